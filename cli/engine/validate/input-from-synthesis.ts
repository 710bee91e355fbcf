// The pipeline's input from a synthesized gateway (../synthesize.ts), with
// each template serialized as it will be written: build validates and then
// writes exactly these texts; validate (from the project) checks them.
import type { Synthesized } from '../synthesize.js';
import { serializeTemplate, type OutputFormat } from '../template/serialize.js';
import type { GatewayInput } from './input.js';

export function synthesizedInput(synth: Synthesized, format: OutputFormat): GatewayInput {
  return {
    root: {
      template: synth.template,
      content: serializeTemplate(synth.template, format),
      format,
      locate: synth.locate,
    },
    children: synth.children.map((c) => ({
      id: c.id,
      template: c.template,
      content: serializeTemplate(c.template, format),
      format,
      locate: synth.locate,
    })),
    config: synth.config,
    users: synth.users.map((u) => u.name),
    userFindings: synth.userFindings,
  };
}
