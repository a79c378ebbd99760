/** A resume run's input as the orchestrator reads it: the order and the steps kept, each field checked. */
import { describe, expect, it } from 'vitest';
import { orderSaga } from '../../saga/definition/orderSaga';
import { parseRunInput } from '../../saga/domain/resumeInput';
import { parseSagaInput } from '../../saga/domain/sagaInput';
import { ValidationError } from '../../saga/domain/validation';

const order = {
  orderId: 'ord-7',
  customer: { id: 'c-7', email: 'c7@example.com' },
  lines: [{ sku: 'SKU-TEA', qty: 1, unitPrice: 4.5 }],
  currency: 'EUR',
  total: 4.5,
  paymentMethod: 'pm_card_visa',
};
const parse = (value: unknown) => parseRunInput(orderSaga, parseSagaInput, value);
const failure = (value: unknown): ValidationError => {
  try {
    parse(value);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
};

describe('resume run input', () => {
  it('reads an order as an order, and a resume run input as the order with the steps it keeps', () => {
    expect(parse(order)).toEqual({ order });
    const kept = [{ step: 'chargePayment', result: { chargeId: 'ch_1' }, confirmed: false }];
    expect(parse({ order, resume: { from: 'ord-7', kept } })).toEqual({ order, resume: { from: 'ord-7', kept } });
  });

  it('names every wrong field: unknown or repeated steps, a bad order, extra fields', () => {
    expect(
      failure({
        order,
        resume: {
          from: 'ord-7',
          kept: [
            { step: 'teleport', result: 1, confirmed: true },
            { step: 'chargePayment', result: 1, confirmed: true },
            { step: 'chargePayment', result: 1, confirmed: true },
          ],
        },
      }).message,
    ).toBe(
      'Invalid orderSaga resume input: resume.kept[0].step "teleport" is not a step of the order saga; ' +
        'resume.kept[2].step repeats chargePayment',
    );
    expect(failure({ order: { ...order, total: -1 }, resume: { from: 'ord-7', kept: [] } }).issues[0].path).toBe(
      'order.total',
    );
    expect(failure({ order, resume: { from: '', kept: [{ step: 'x' }] } }).message).toMatch(
      /from must name the run resumed.*kept\[0\]\.confirmed/,
    );
    expect(failure({ order, resume: { from: 'ord-7', kept: [] }, extra: 1 }).message).toMatch(
      /extra is not a field of a resume run input/,
    );
  });
});
