import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

let credential: TokenCredential | undefined;

/**
 * The Function App's own identity (its system-assigned managed identity in Azure, the developer's `az login`
 * elsewhere), used wherever a setting names a service without a key: `COSMOS_ENDPOINT` without `COSMOS_KEY`,
 * `ServiceBusConnection__fullyQualifiedNamespace`. Role assignments in the Azure template grant what it may do.
 */
export function azureCredential(): TokenCredential {
  credential ??= new DefaultAzureCredential();
  return credential;
}
