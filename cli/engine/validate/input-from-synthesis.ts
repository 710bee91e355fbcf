// The pipeline's input from a synthesized gateway (../synthesize.ts), with
// each template serialized as it will be written: build validates and then
// writes exactly these texts; validate (from the project) checks them.
import type { Synthesized } from '../synthesize.js';
import { deployBytesOfPretty } from '../template/deploy-body.js';
import { serializeTemplate, type OutputFormat } from '../template/serialize.js';
import type { CfnTemplate } from '../template/types.js';
import type { GatewayInput, TemplateInput } from './input.js';

export function synthesizedInput(synth: Synthesized, format: OutputFormat): GatewayInput {
  return {
    root: serialized(synth.template, format, synth.locate),
    children: synth.children.map((c) => ({
      id: c.id,
      ...serialized(c.template, format, synth.locate),
    })),
    config: synth.config,
    users: synth.users.map((u) => u.name),
    userFindings: synth.userFindings,
    ...directoryOf(synth),
    // Not serialized: never written, and its size is not a template's (its
    // quota findings are not kept).
    ...(synth.directoryUsers && {
      directoryUsers: {
        template: synth.directoryUsers.template,
        userIds: synth.directoryUsers.userIds,
        userHomes: synth.directoryUsers.userHomes,
        everyUser: synth.directoryUsers.everyUser,
        content: '',
        format: 'json' as const,
        bodyBytes: 0,
        locate: synth.locate,
      },
    }),
  };
}

/** Lambda mode and the staging template: the directory the deploy uploads (rules/identity/). */
function directoryOf(synth: Synthesized): Pick<GatewayInput, 'directory'> {
  const { directory, directoryText } = synth;
  return directory && directoryText !== undefined
    ? { directory: { directory, text: directoryText } }
    : {};
}

/** The text written; JSON's deploy size counted from it (the quota check would stringify again). */
function serialized(
  template: CfnTemplate,
  format: OutputFormat,
  locate: TemplateInput['locate'],
): TemplateInput {
  const content = serializeTemplate(template, format);
  const bodyBytes = format === 'json' ? deployBytesOfPretty(template, content) : undefined;
  return { template, content, format, locate, ...(bodyBytes !== undefined && { bodyBytes }) };
}
