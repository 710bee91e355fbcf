// JSON schemas for the parts of a template that are not resource Properties:
// the template's top level and IAM policy documents. Compiled ahead of time
// by scripts/compile-schemas.ts into cli/generated/.

const LOGICAL_ID = { type: 'string', pattern: '^[A-Za-z0-9]{1,255}$' };
const anyValue = {};
const stringOrIntrinsic = { anyOf: [{ type: 'string' }, { type: 'object', minProperties: 1, maxProperties: 1 }] };

const resource = {
  type: 'object',
  required: ['Type'],
  additionalProperties: false,
  properties: {
    Type: { type: 'string', pattern: '^(AWS|Alexa|Custom)::[A-Za-z0-9_@-]+(::[A-Za-z0-9_@-]+)*$' },
    Properties: { type: 'object' },
    DependsOn: { 'x-cfn-type': 'a logical id or a list of them', anyOf: [LOGICAL_ID, { type: 'array', items: LOGICAL_ID, uniqueItems: true }] },
    Condition: { type: 'string' },
    DeletionPolicy: { 'x-cfn-type': 'Delete, Retain, RetainExceptOnCreate or Snapshot', anyOf: [{ enum: ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'] }, { type: 'object', minProperties: 1, maxProperties: 1 }] },
    UpdateReplacePolicy: { 'x-cfn-type': 'Delete, Retain or Snapshot', anyOf: [{ enum: ['Delete', 'Retain', 'Snapshot'] }, { type: 'object', minProperties: 1, maxProperties: 1 }] },
    Metadata: { type: 'object' },
    CreationPolicy: { type: 'object' },
    UpdatePolicy: { type: 'object' },
  },
};

const parameter = {
  type: 'object',
  required: ['Type'],
  additionalProperties: false,
  properties: {
    Type: { type: 'string' },
    Default: anyValue,
    AllowedValues: { type: 'array' },
    AllowedPattern: { type: 'string' },
    ConstraintDescription: { type: 'string' },
    Description: { type: 'string', maxLength: 4000 },
    MaxLength: { type: ['integer', 'string'] },
    MinLength: { type: ['integer', 'string'] },
    MaxValue: { type: ['number', 'string'] },
    MinValue: { type: ['number', 'string'] },
    NoEcho: { type: ['boolean', 'string'] },
  },
};

const output = {
  type: 'object',
  required: ['Value'],
  additionalProperties: false,
  properties: {
    Value: anyValue,
    Description: { type: 'string', maxLength: 1024 },
    Export: { type: 'object', required: ['Name'], additionalProperties: false, properties: { Name: stringOrIntrinsic } },
    Condition: { type: 'string' },
  },
};

export const templateSchema = {
  type: 'object',
  required: ['Resources'],
  additionalProperties: false,
  properties: {
    AWSTemplateFormatVersion: { enum: ['2010-09-09'] },
    Description: { type: 'string', maxLength: 1024 },
    Metadata: { type: 'object' },
    Parameters: { type: 'object', propertyNames: LOGICAL_ID, additionalProperties: parameter },
    Rules: { type: 'object' },
    Mappings: { type: 'object', propertyNames: LOGICAL_ID, additionalProperties: { type: 'object', additionalProperties: { type: 'object' } } },
    Conditions: { type: 'object', propertyNames: LOGICAL_ID },
    Transform: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'object'] } }] },
    Resources: { type: 'object', minProperties: 1, propertyNames: LOGICAL_ID, additionalProperties: resource },
    Outputs: { type: 'object', propertyNames: LOGICAL_ID, additionalProperties: output },
  },
};

// IAM policy documents. Values that can be intrinsic functions (Resource,
// Principal, condition values, even whole statements via Fn::If) accept any
// one-key object; the semantic rules look inside what they can.
const intrinsic = { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { pattern: '^(Ref|Fn::.+)$' } };
const stringList = {
  'x-cfn-type': 'a string, a list of strings or an intrinsic function',
  anyOf: [{ type: 'string', minLength: 1 }, intrinsic, { type: 'array', minItems: 1, items: { anyOf: [{ type: 'string', minLength: 1 }, intrinsic] } }],
};
const principal = {
  'x-cfn-type': '"*" or an object with AWS, Service, Federated or CanonicalUser',
  anyOf: [
    { const: '*' },
    intrinsic,
    { type: 'object', minProperties: 1, propertyNames: { enum: ['AWS', 'Service', 'Federated', 'CanonicalUser'] }, additionalProperties: stringList },
  ],
};
const statement = {
  type: 'object',
  required: ['Effect'],
  additionalProperties: false,
  properties: {
    Sid: { type: 'string', pattern: '^[A-Za-z0-9 ]*$' },
    Effect: { enum: ['Allow', 'Deny'] },
    Principal: principal,
    NotPrincipal: principal,
    Action: stringList,
    NotAction: stringList,
    Resource: stringList,
    NotResource: stringList,
    Condition: { anyOf: [intrinsic, { type: 'object', additionalProperties: { anyOf: [intrinsic, { type: 'object', minProperties: 1 }] } }] },
  },
  allOf: [
    { 'x-cfn-rule': 'requiredXor', 'x-cfn-names': ['Action', 'NotAction'], oneOf: [{ required: ['Action'] }, { required: ['NotAction'] }] },
    { not: { required: ['Resource', 'NotResource'] }, 'x-cfn-rule': 'dependentExcluded', 'x-cfn-names': ['Resource', 'NotResource'] },
    { not: { required: ['Principal', 'NotPrincipal'] }, 'x-cfn-rule': 'dependentExcluded', 'x-cfn-names': ['Principal', 'NotPrincipal'] },
  ],
};

export const policyDocumentSchema = {
  type: 'object',
  required: ['Statement'],
  additionalProperties: false,
  properties: {
    Version: { enum: ['2012-10-17', '2008-10-17'] },
    Id: { type: 'string' },
    // if/else rather than anyOf, so a bad statement reports what is wrong in it
    Statement: {
      if: { type: 'array' },
      then: { minItems: 1, items: { if: intrinsic, else: statement } },
      else: { if: intrinsic, else: statement },
    },
  },
};
