import * as fs from 'node:fs';
import * as path from 'node:path';
import { contractSchemas } from './jsonSchemas';

/** `npm run contracts`: regenerates the JSON Schema files next to this source. */
const dir = path.resolve(__dirname, '../../../saga/contracts');
for (const [file, schema] of Object.entries(contractSchemas())) {
  fs.writeFileSync(path.join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote saga/contracts/${file}`);
}
