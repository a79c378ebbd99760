import { deliveryStreamArn, type LocalFirehose, readHttpEndpointStream } from './firehose';
import { IntrinsicResolver, SamTemplate, TemplatePropertyError, type LocalStackContext } from './lambda';
import { isMap } from './lambda/samTemplate';
import { resolveDynamicSecrets } from './templateSecrets';

/**
 * Installs a SAM template's `AWS::KinesisFirehose::DeliveryStream` resources (DirectPut, HTTP endpoint destination)
 * on the local Firehose and returns the values other resources refer to (`!Ref` = the name, `!GetAtt .Arn`), for
 * the EventBridge rules that target them. The endpoint's access key may be a Secrets Manager dynamic reference: it
 * resolves to the local setting of the same name. The S3 backup, roles and CloudWatch logging are accepted and not
 * emulated: failed records are kept by the local Firehose itself.
 */
export function installFirehoseResources(
  template: SamTemplate,
  firehose: LocalFirehose,
  context: LocalStackContext,
  settings: Record<string, string>,
): Record<string, string> {
  const values: Record<string, string> = {};
  const resolver = new IntrinsicResolver(template, { ...context, resourceValues: values });
  for (const r of template.resources.values()) {
    if (r.type !== 'AWS::KinesisFirehose::DeliveryStream' || !resolver.isCreated(r.logicalId)) continue;
    const location = `Resources.${r.logicalId}.Properties`;
    const read = (key: string): unknown =>
      r.properties[key] === undefined
        ? undefined
        : resolveDynamicSecrets(
            resolver.resolve(r.properties[key], `${location}.${key}`),
            `${location}.${key}`,
            settings,
            template.path,
          );
    const destination = r.properties.HttpEndpointDestinationConfiguration;
    // Only what the local Firehose runs is resolved: the backup bucket and roles refer to resources it does not model.
    const http = isMap(destination)
      ? Object.fromEntries(
          ['EndpointConfiguration', 'BufferingHints', 'RetryOptions', 'RequestConfiguration']
            .filter((k) => destination[k] !== undefined)
            .map((k) => [
              k,
              resolveDynamicSecrets(
                resolver.resolve(destination[k], `${location}.HttpEndpointDestinationConfiguration.${k}`),
                `${location}.HttpEndpointDestinationConfiguration.${k}`,
                settings,
                template.path,
              ),
            ]),
        )
      : destination;
    const name = String(read('DeliveryStreamName') ?? r.logicalId);
    const arn = deliveryStreamArn(context.region, context.accountId, name);
    try {
      firehose.createDeliveryStream(
        readHttpEndpointStream(name, arn, {
          DeliveryStreamType: read('DeliveryStreamType'),
          HttpEndpointDestinationConfiguration: http,
        }),
      );
    } catch (e) {
      throw new TemplatePropertyError((e as Error).message, location, template.path);
    }
    values[r.logicalId] = name;
    values[`${r.logicalId}.Arn`] = arn;
  }
  return values;
}
