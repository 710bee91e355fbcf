// The `cfnValue` ajv keyword: "an intrinsic function (whose shape is checked)
// or this value". Every value position of a resource's Properties carries it
// (scripts/resource-schemas.ts). Written as draft-07 `if`/`then`/`else` with
// `$ref`s, the check compiled into ~1.6 KB of standalone code at each of the
// 241 positions of AWS::S3::Bucket alone, and each resource module carried
// its own copy of the intrinsic-function validators. This keyword compiles
// to one call of a shared module at each position:
//
//   if (isIntrinsic(data)) { if (!intrinsicFunction(data, …)) <append its errors> }
//   else { <the value schema, inline> }
//
// isIntrinsic and intrinsicFunction are INTRINSIC_SCHEMAS compiled once
// (cli/generated/intrinsic.js), so an error reads exactly as it did through
// the `$ref`s (same keyword, params, schemaPath and parentSchema), and the
// findings built from the errors are unchanged.
import { _, nil, type CodeKeywordDefinition, type ValidateFunction } from 'ajv';
import { not } from 'ajv/dist/compile/codegen/index.js';
import namesModule from 'ajv/dist/compile/names.js';
import { callValidateCode } from 'ajv/dist/vocabularies/code.js';

// node gives module.exports ({ default: names }), tsx/esbuild the object itself.
type Names = typeof import('ajv/dist/compile/names.js').default;
const N =
  (namesModule as unknown as { default?: Names }).default ?? (namesModule as unknown as Names);

export const CFN_VALUE = 'cfnValue';

/** The shared module's exports, as compiled here and as imported by the generated code. */
export interface IntrinsicRuntime {
  isIntrinsic: ValidateFunction;
  intrinsicFunction: ValidateFunction;
}

/**
 * The keyword for an ajv that compiles standalone code importing the shared
 * module from `specifier` (relative to the generated file). `runtime` is the
 * same module compiled in this process (ajv also builds a live validator).
 */
export function cfnValueKeyword(
  runtime: IntrinsicRuntime,
  specifier: string,
): CodeKeywordDefinition {
  return {
    keyword: CFN_VALUE,
    schemaType: 'object',
    code(cxt) {
      const { gen, data, it } = cxt;
      // Errors are appended, never returned early: the generated validators
      // always collect every error (allErrors), which is what this relies on.
      if (!it.allErrors) throw new Error(`the ${CFN_VALUE} keyword needs ajv's allErrors option`);
      const isIntrinsic = gen.scopeValue('func', {
        ref: runtime.isIntrinsic,
        code: _`require(${specifier}).isIntrinsic`,
      });
      const intrinsicFunction = gen.scopeValue('func', {
        ref: runtime.intrinsicFunction,
        code: _`require(${specifier}).intrinsicFunction`,
      });
      gen.if(
        _`${isIntrinsic}(${data})`,
        () => {
          gen.if(not(callValidateCode(cxt, intrinsicFunction, nil)), () => {
            const errs = _`${intrinsicFunction}.errors`;
            gen.assign(
              N.vErrors,
              _`${N.vErrors} === null ? ${errs} : ${N.vErrors}.concat(${errs})`,
            );
            gen.assign(N.errors, _`${N.vErrors}.length`);
          });
        },
        () => {
          cxt.subschema({ keyword: CFN_VALUE }, gen.name('valid'));
        },
      );
    },
  };
}
