/**
 * Test helpers for apps on the local platform: the whole platform on a virtual clock with an in-memory store and a
 * free port, and single emulated services on their own.
 *
 * ```ts
 * import { startTestPlatform } from '@cross-cloud-sagas/local-platform/testing';
 *
 * const t = await startTestPlatform({ appRoot: '.' });   // in-memory store, virtual clock, port 0
 * const id = await t.client.startNew('approval', { input: { orderId: '42' } });
 * await t.advanceTime('3d');                             // timers due in the window fire, in order
 * await t.waitForStatus(id, 'Completed');
 * await t.stop();
 * ```
 *
 * @module
 */
export { startTestPlatform } from './testPlatform';
export type { TestPlatform, TestPlatformOptions } from './testPlatform';
export { startStepFunctionsEndpoint, STEP_FUNCTIONS_TEST_PREFIX } from './stepFunctionsEndpoint';
export type { StepFunctionsEndpoint, StepFunctionsEndpointOptions } from './stepFunctionsEndpoint';
export { FunctionError, InTestLambdas } from './inTestLambdas';
export type { TestFunction } from './inTestLambdas';
export { serveMountedApi } from './serveMountedApi';
export type { ServedApi } from './serveMountedApi';
export type { MountedApi, MountRequest, MountResponse } from '../http/mountedApi';
export { VirtualClock } from '../clock';
