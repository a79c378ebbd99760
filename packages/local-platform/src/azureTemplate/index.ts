import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ArmDeployment, loadArmTemplate } from './armTemplate';

export { loadArmTemplate, type ArmDeployment, type ArmResource, type ArmLoadOptions } from './armTemplate';
export { ArmTemplateError } from './errors';
export { serviceBusConfigFromTemplate } from './serviceBusEntities';
export { cosmosConfigFromTemplate } from './cosmosContainers';

const DEFAULT_TEMPLATE = 'infra/azure/azuredeploy.json';

/**
 * The app's Azure template (LOCAL_AZURE_TEMPLATE, else `infra/azure/azuredeploy.json` when it exists) with the
 * parameters file beside it (`<name>.parameters.json`) when there is one; undefined when the app has none.
 */
export function loadAppAzureTemplate(appRoot: string, configured: string | undefined): ArmDeployment | undefined {
  const file = path.resolve(appRoot, configured ?? DEFAULT_TEMPLATE);
  if (!configured && !fs.existsSync(file)) return undefined;
  const parametersFile = file.replace(/\.json$/, '.parameters.json');
  return loadArmTemplate(file, fs.existsSync(parametersFile) ? { parametersFile } : {});
}

/** Whether the deployment declares resources of a type prefix (a Service Bus namespace, Cosmos DB databases). */
export function declares(deployment: ArmDeployment | undefined, typePrefix: string): boolean {
  return !!deployment?.resources.some((r) => r.deployed && r.type.startsWith(typePrefix));
}
