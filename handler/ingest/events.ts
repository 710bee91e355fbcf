// The two events the ingest function is invoked with, checked before anything
// is used (a hand-made test event, a replay or a wrong rule target must end in
// a clear log line, never in a TypeError that Lambda retries):
//
// 1. A Transfer Family managed workflow's CUSTOM step, when an upload closed
//    (user guide, "Use custom file-processing steps", example event for an S3
//    domain:
//    https://docs.aws.amazon.com/transfer/latest/userguide/custom-step-details.html):
//      { token, serviceMetadata: { executionDetails: { workflowId, executionId },
//                                  transferDetails: { sessionId, userName, serverId } },
//        fileLocation: { domain: "S3", bucket, key, eTag, versionId } }
//    The key is the object key as stored (not URL-encoded, unlike S3
//    notifications); versionId is null on an unversioned bucket.
// 2. EventBridge's "GuardDuty Malware Protection Object Scan Result" (GuardDuty
//    user guide, "Monitoring S3 object scans with Amazon EventBridge":
//    https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html):
//      { source: "aws.guardduty", "detail-type": "GuardDuty Malware Protection Object Scan Result",
//        detail: { scanStatus, resourceType: "S3_OBJECT",
//                  s3ObjectDetails: { bucketName, objectKey, eTag, versionId, s3Throttled },
//                  scanResultDetails: { scanResultStatus, threats } } }
//    scanResultStatus: NO_THREATS_FOUND, THREATS_FOUND, UNSUPPORTED,
//    ACCESS_DENIED or FAILED (the values GuardDuty also writes to the
//    GuardDutyMalwareScanStatus tag).

export const SCAN_RESULT_DETAIL_TYPE = 'GuardDuty Malware Protection Object Scan Result';
export const SCAN_RESULTS = [
  'NO_THREATS_FOUND',
  'THREATS_FOUND',
  'UNSUPPORTED',
  'ACCESS_DENIED',
  'FAILED',
] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];

/** What SendWorkflowStepState needs to answer the step. */
export interface StepToken {
  workflowId: string;
  executionId: string;
  token: string;
}

export interface WorkflowStep extends StepToken {
  kind: 'workflow-step';
  user: string;
  serverId?: string;
  sessionId?: string;
  bucket: string;
  key: string;
  eTag?: string;
  versionId?: string;
}

export interface ScanResultEvent {
  kind: 'scan-result';
  bucket: string;
  key: string;
  versionId?: string;
  status: ScanResult;
}

export type IngestEvent =
  | WorkflowStep
  | ScanResultEvent
  /** Not usable; `step` is set when the event still says which step to answer (with FAILURE). */
  | { kind: 'malformed'; reason: string; step?: StepToken; fields: Record<string, string> };

// S3: keys ≤ 1,024 bytes of UTF-8; bucket names 3–63 characters (255 for
// some legacy us-east-1 buckets). SendWorkflowStepState: WorkflowId
// w-[a-z0-9]{17}, ExecutionId a UUID, Token \w{1,64} (API reference).
const MAX_KEY_BYTES = 1024;
const BUCKET_NAME = /^[A-Za-z0-9._-]{1,255}$/;
const WORKFLOW_ID = /^w-[a-z0-9]{17}$/;
const EXECUTION_ID =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TOKEN = /^\w{1,64}$/;
const MAX_VERSION_ID = 1024;
const MAX_FIELD = 256;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const at = (v: unknown, ...path: string[]): unknown => {
  let cur = v;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
};

/** Strings of the event worth a log line when it is refused (the logger bounds their length). */
function fieldsOf(event: unknown): Record<string, string> {
  const pick: Array<[string, unknown]> = [
    ['detailType', at(event, 'detail-type')],
    ['source', at(event, 'source')],
    ['user', at(event, 'serviceMetadata', 'transferDetails', 'userName')],
    ['executionId', at(event, 'serviceMetadata', 'executionDetails', 'executionId')],
    [
      'bucket',
      at(event, 'fileLocation', 'bucket') ?? at(event, 'detail', 's3ObjectDetails', 'bucketName'),
    ],
    [
      'key',
      at(event, 'fileLocation', 'key') ?? at(event, 'detail', 's3ObjectDetails', 'objectKey'),
    ],
  ];
  const out: Record<string, string> = {};
  for (const [name, v] of pick) if (typeof v === 'string') out[name] = v;
  return out;
}

function objectProblem(bucket: unknown, key: unknown, versionId: unknown): string | undefined {
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket))
    return 'the bucket name is missing or not a bucket name';
  if (typeof key !== 'string' || key === '') return 'the object key is missing or empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    return `the object key is longer than S3's ${MAX_KEY_BYTES} bytes`;
  if (
    versionId !== undefined &&
    versionId !== null &&
    (typeof versionId !== 'string' || versionId.length > MAX_VERSION_ID)
  )
    return 'the versionId is not a version id string';
  return undefined;
}

function workflowStep(event: Json): IngestEvent {
  const fields = fieldsOf(event);
  const malformed = (reason: string, step?: StepToken): IngestEvent => ({
    kind: 'malformed',
    reason: `workflow step event: ${reason}`,
    step,
    fields,
  });
  const workflowId = str(at(event, 'serviceMetadata', 'executionDetails', 'workflowId'));
  const executionId = str(at(event, 'serviceMetadata', 'executionDetails', 'executionId'));
  const token = str(event.token);
  if (!workflowId || !WORKFLOW_ID.test(workflowId))
    return malformed('serviceMetadata.executionDetails.workflowId is missing or not w-<17>');
  if (!executionId || !EXECUTION_ID.test(executionId))
    return malformed('serviceMetadata.executionDetails.executionId is missing or not a UUID');
  if (!token || !TOKEN.test(token))
    return malformed('token is missing or not 1–64 word characters');
  const step: StepToken = { workflowId, executionId, token };
  // From here on the step can be answered: FAILURE, so the execution fails visibly.
  const transfer = at(event, 'serviceMetadata', 'transferDetails');
  const user = str(at(transfer, 'userName'));
  if (!user || user.length > MAX_FIELD)
    return malformed('serviceMetadata.transferDetails.userName is missing', step);
  const loc = event.fileLocation;
  if (!isObject(loc)) return malformed('fileLocation is missing', step);
  if (loc.domain !== 'S3')
    return malformed(
      `fileLocation.domain is ${JSON.stringify(loc.domain)}; only S3 is supported`,
      step,
    );
  const problem = objectProblem(loc.bucket, loc.key, loc.versionId);
  if (problem) return malformed(`fileLocation: ${problem}`, step);
  const eTag = str(loc.eTag);
  return {
    kind: 'workflow-step',
    ...step,
    user,
    serverId: str(at(transfer, 'serverId'))?.slice(0, MAX_FIELD),
    sessionId: str(at(transfer, 'sessionId'))?.slice(0, MAX_FIELD),
    bucket: loc.bucket as string,
    key: loc.key as string,
    eTag: eTag && eTag.length <= MAX_FIELD ? eTag : undefined,
    versionId: str(loc.versionId) || undefined,
  };
}

function scanResult(event: Json): IngestEvent {
  const fields = fieldsOf(event);
  const malformed = (reason: string): IngestEvent => ({
    kind: 'malformed',
    reason: `scan result event: ${reason}`,
    fields,
  });
  const detail = event.detail;
  if (!isObject(detail)) return malformed('detail is missing');
  const obj = detail.s3ObjectDetails;
  if (!isObject(obj)) return malformed('detail.s3ObjectDetails is missing');
  const problem = objectProblem(obj.bucketName, obj.objectKey, obj.versionId);
  if (problem) return malformed(`detail.s3ObjectDetails: ${problem}`);
  const status = at(detail, 'scanResultDetails', 'scanResultStatus');
  if (typeof status !== 'string' || !(SCAN_RESULTS as readonly string[]).includes(status)) {
    const shown = typeof status === 'string' ? status.slice(0, 64) : String(status);
    return malformed(
      `detail.scanResultDetails.scanResultStatus ${shown} is not one of ${SCAN_RESULTS.join(', ')}`,
    );
  }
  return {
    kind: 'scan-result',
    bucket: obj.bucketName as string,
    key: obj.objectKey as string,
    versionId: str(obj.versionId) || undefined,
    status: status as ScanResult,
  };
}

/** Which event this is, checked; never throws. */
export function classifyEvent(event: unknown): IngestEvent {
  if (!isObject(event))
    return { kind: 'malformed', reason: 'the event is not a JSON object', fields: {} };
  if (event['detail-type'] === SCAN_RESULT_DETAIL_TYPE) return scanResult(event);
  if ('serviceMetadata' in event || 'token' in event || 'fileLocation' in event)
    return workflowStep(event);
  return {
    kind: 'malformed',
    reason:
      'the event is neither a Transfer Family workflow step (token, serviceMetadata, fileLocation) nor a GuardDuty Malware Protection Object Scan Result',
    fields: fieldsOf(event),
  };
}
