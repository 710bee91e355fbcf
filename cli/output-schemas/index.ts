// Every `--output json` document and its schema file (docs/json-output/,
// shipped in the package; docs/json-output.md lists them). The test
// (test/cli/json-output.test.ts) validates each command's real output against its
// schema and keeps the files equal to these objects (UPDATE_GOLDEN=1 rewrites).
import { VALIDATE_DOCUMENT_SCHEMA } from '../engine/validate/reports/json.js';
import {
  DESTINATIONS_LIST_SCHEMA,
  DESTINATIONS_SCAN_SCHEMA,
  DESTINATIONS_TEST_SCHEMA,
} from './destinations.js';
import { DESTINATIONS_DELIVER_SCHEMA } from './destinations-deliver.js';
import { DIFF_SCHEMA } from './diff.js';
import { DOCTOR_SCHEMA } from './doctor.js';
import { HOST_KEYS_LIST_SCHEMA, HOST_KEYS_RETIRE_SCHEMA } from './host-keys.js';
import { INFO_SCHEMA } from './info.js';
import { OUTBOUND_REDELIVER_SCHEMA, OUTBOUND_STATUS_SCHEMA } from './outbound.js';
import { document, type Schema, standardNullable } from './schema-kit.js';
import { SNOWFLAKE_SQL_SCHEMA } from './snowflake-sql.js';
import { UPLOADS_SCHEMA } from './uploads.js';
import { USERS_DEPLOYED_SCHEMA, USERS_LIST_SCHEMA } from './users-list.js';
import { USERS_KEYS_SCHEMA } from './users-keys.js';

export interface OutputSchema {
  /** The command line that prints it. */
  command: string;
  /** Its file under docs/json-output/. */
  file: string;
  schema: Schema;
}

export const OUTPUT_SCHEMAS: readonly OutputSchema[] = [
  {
    command: 'sftpgw validate --output json',
    file: 'validate.schema.json',
    schema: document(
      'sftpgw validate --output json',
      'Every finding of every layer; the same keys when validation could not run (error set).',
      standardNullable(VALIDATE_DOCUMENT_SCHEMA) as Schema,
    ),
  },
  { command: 'sftpgw diff --output json', file: 'diff.schema.json', schema: DIFF_SCHEMA },
  { command: 'sftpgw info --output json', file: 'info.schema.json', schema: INFO_SCHEMA },
  {
    command: 'sftpgw host-keys list --output json',
    file: 'host-keys-list.schema.json',
    schema: HOST_KEYS_LIST_SCHEMA,
  },
  {
    command: 'sftpgw host-keys retire HOST_KEY_ID --output json',
    file: 'host-keys-retire.schema.json',
    schema: HOST_KEYS_RETIRE_SCHEMA,
  },
  {
    command: 'sftpgw snowflake sql --output json',
    file: 'snowflake-sql.schema.json',
    schema: SNOWFLAKE_SQL_SCHEMA,
  },
  {
    command: 'sftpgw users list --output json',
    file: 'users-list.schema.json',
    schema: USERS_LIST_SCHEMA,
  },
  {
    command: 'sftpgw users list --deployed --output json',
    file: 'users-list-deployed.schema.json',
    schema: USERS_DEPLOYED_SCHEMA,
  },
  {
    command: 'sftpgw users keys --output json',
    file: 'users-keys.schema.json',
    schema: USERS_KEYS_SCHEMA,
  },
  {
    command: 'sftpgw destinations list --output json',
    file: 'destinations-list.schema.json',
    schema: DESTINATIONS_LIST_SCHEMA,
  },
  {
    command: 'sftpgw destinations test KEY --output json',
    file: 'destinations-test.schema.json',
    schema: DESTINATIONS_TEST_SCHEMA,
  },
  {
    command: 'sftpgw destinations test KEY --scan --output json',
    file: 'destinations-scan.schema.json',
    schema: DESTINATIONS_SCAN_SCHEMA,
  },
  {
    command: 'sftpgw destinations deliver KEY FILE --output json',
    file: 'destinations-deliver.schema.json',
    schema: DESTINATIONS_DELIVER_SCHEMA,
  },
  { command: 'sftpgw doctor --output json', file: 'doctor.schema.json', schema: DOCTOR_SCHEMA },
  { command: 'sftpgw uploads --output json', file: 'uploads.schema.json', schema: UPLOADS_SCHEMA },
  {
    command: 'sftpgw outbound status --output json',
    file: 'outbound-status.schema.json',
    schema: OUTBOUND_STATUS_SCHEMA,
  },
  {
    command: 'sftpgw outbound redeliver --output json',
    file: 'outbound-redeliver.schema.json',
    schema: OUTBOUND_REDELIVER_SCHEMA,
  },
];

/** The schema of a command's output, by its file name. */
export function outputSchema(file: string): Schema {
  const s = OUTPUT_SCHEMAS.find((o) => o.file === file);
  if (!s) throw new Error(`no output schema ${file}`);
  return s.schema;
}
