import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { identify, keysFromSettings, OpsCaller, OpsKeySettingError, OpsRole } from '../../ops/access/opsKeys';
import type { DurableEndpoint } from '../../ops/backends/durable/managementApi';
import { OpsError } from '../../ops/errors';
import { opsFromSettings } from '../../ops/opsFromSettings';
import type { OpsService } from '../../ops/opsService';
import { errorResponse } from '../errorResponse';

export const durableClientInput = df.input.durableClient();

/** The header carrying an ops key (or `Authorization: Bearer <key>`). */
export const OPS_KEY_HEADER = 'x-ops-key';

/** Where the durable client binding says the Durable management API is, with the system key it requires. */
function durableEndpoint(context: InvocationContext): DurableEndpoint {
  const raw = context.extraInputs.get(durableClientInput) as unknown;
  const payload = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
    baseUrl: string;
    requiredQueryStringParameters: string;
  };
  return { baseUrl: payload.baseUrl, requiredQuery: payload.requiredQueryStringParameters };
}

function presentedKey(request: HttpRequest): string | null {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  return request.headers.get(OPS_KEY_HEADER) ?? bearer ?? null;
}

/**
 * Every ops route: the caller's key (401 without a known one, 403 naming the missing role), then the handler,
 * with the tool's typed errors as their status and body. Nothing in a response or log carries a key.
 */
export async function opsEdge(
  request: HttpRequest,
  context: InvocationContext,
  needs: OpsRole,
  handle: (ops: OpsService, caller: OpsCaller) => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  let caller: OpsCaller | undefined;
  try {
    caller = identify(keysFromSettings(), presentedKey(request));
  } catch (e) {
    if (e instanceof OpsKeySettingError) {
      context.error(e.message);
      return errorResponse(
        500,
        'OpsKeysMisconfigured',
        'The ops keys in the app settings are malformed; see the function log.',
      );
    }
    throw e;
  }
  if (!caller)
    return errorResponse(
      401,
      'Unauthorized',
      `Send an ops key in the ${OPS_KEY_HEADER} header (or Authorization: Bearer). Keys are set in OPS_READER_KEYS / OPS_OPERATOR_KEYS.`,
    );
  if (needs === 'operator' && caller.role !== 'operator')
    return errorResponse(
      403,
      'Forbidden',
      `This call needs the operator role; key "${caller.name}" has the reader role. Use a key from OPS_OPERATOR_KEYS.`,
    );
  try {
    return await handle(opsFromSettings(durableEndpoint(context)), caller);
  } catch (e) {
    if (e instanceof OpsError) return errorResponse(e.status, e.code, e.message, e.details);
    throw e;
  }
}
