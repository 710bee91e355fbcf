// JSON schema of a template's top level (sections, logical ids, resource
// attributes); resource Properties have their own, generated from the
// registry. Compiled ahead of time by scripts/compile-schemas.ts.

const LOGICAL_ID = { type: 'string', pattern: '^[A-Za-z0-9]{1,255}$' };
const anyValue = {};
const stringOrIntrinsic = {
  anyOf: [{ type: 'string' }, { type: 'object', minProperties: 1, maxProperties: 1 }],
};

const resource = {
  type: 'object',
  required: ['Type'],
  additionalProperties: false,
  properties: {
    Type: { type: 'string', pattern: '^(AWS|Alexa|Custom)::[A-Za-z0-9_@-]+(::[A-Za-z0-9_@-]+)*$' },
    Properties: { type: 'object' },
    DependsOn: {
      'x-cfn-type': 'a logical id or a list of them',
      anyOf: [LOGICAL_ID, { type: 'array', items: LOGICAL_ID, uniqueItems: true }],
    },
    Condition: { type: 'string' },
    DeletionPolicy: {
      'x-cfn-type': 'Delete, Retain, RetainExceptOnCreate or Snapshot',
      anyOf: [
        { enum: ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'] },
        { type: 'object', minProperties: 1, maxProperties: 1 },
      ],
    },
    UpdateReplacePolicy: {
      'x-cfn-type': 'Delete, Retain or Snapshot',
      anyOf: [
        { enum: ['Delete', 'Retain', 'Snapshot'] },
        { type: 'object', minProperties: 1, maxProperties: 1 },
      ],
    },
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
    Export: {
      type: 'object',
      required: ['Name'],
      additionalProperties: false,
      properties: { Name: stringOrIntrinsic },
    },
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
    Mappings: {
      type: 'object',
      propertyNames: LOGICAL_ID,
      additionalProperties: { type: 'object', additionalProperties: { type: 'object' } },
    },
    Conditions: { type: 'object', propertyNames: LOGICAL_ID },
    Transform: {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'object'] } }],
    },
    Resources: {
      type: 'object',
      minProperties: 1,
      propertyNames: LOGICAL_ID,
      additionalProperties: resource,
    },
    Outputs: { type: 'object', propertyNames: LOGICAL_ID, additionalProperties: output },
  },
};
