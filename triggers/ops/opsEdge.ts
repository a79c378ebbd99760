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
      return errorResponse(500, {
        code: 'OpsKeysMisconfigured',
        message: 'The ops keys in the app settings are malformed.',
        where: 'app settings OPS_READER_KEYS / OPS_OPERATOR_KEYS',
        fix: 'See the function log for the entry at fault (never the key), and correct the setting.',
      });
    }
    throw e;
  }
  if (!caller)
    return errorResponse(401, {
      code: 'Unauthorized',
      message: 'No known ops key was sent.',
      where: `header ${OPS_KEY_HEADER} (or Authorization: Bearer)`,
      fix: `Send an ops key in the ${OPS_KEY_HEADER} header. Keys are set in OPS_READER_KEYS / OPS_OPERATOR_KEYS.`,
    });
  if (needs === 'operator' && caller.role !== 'operator')
    return errorResponse(403, {
      code: 'Forbidden',
      message: `This call needs the operator role; key "${caller.name}" has the reader role.`,
      where: `header ${OPS_KEY_HEADER}`,
      fix: 'Use a key from OPS_OPERATOR_KEYS.',
    });
  try {
    return await handle(opsFromSettings(durableEndpoint(context)), caller);
  } catch (e) {
    if (e instanceof OpsError)
      return errorResponse(e.status, { code: e.code, message: e.message, where: e.where, fix: e.fix }, e.details);
    throw e;
  }
}
