/**
 * @module mcp/tools/escalation-tools
 * The tools a person (or an agent acting for one) uses to settle what no consensus could: `escalations` lists
 * them with their question and context, `answer_escalation` answers one. An answer is never trusted as it is: the
 * build verifies it through the same layers as a sample, settles the task with it (source `person`) or escalates
 * the task again. A build paused on escalations resumes once answered.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { InvalidArgumentError, type EscalationRecord, type RunService } from '../../index.js';
import { guarded, toolResult, type ModelGate } from '../tool-context.js';

/** Input of `escalations`. */
export const escalationsInputShape = {
  runId: z.string().min(1).optional().describe('Only this run\'s escalations. Default: every run in the store.'),
  status: z.enum(['open', 'answered']).optional().describe('Only open or only answered escalations. Default: both.'),
};

/** Input of `answer_escalation`: exactly one of `code` and `proposal`. */
export const answerEscalationInputShape = {
  runId: z.string().min(1).describe('The run the escalation belongs to.'),
  escalationId: z.string().min(1).describe('The escalation id, e.g. esc-longest-word-1.'),
  code: z.string().min(1).optional().describe('For kind "code": the complete function source; it is verified before it settles the task.'),
  proposal: z.record(z.string(), z.unknown()).optional()
    .describe('For kind "decomposition": a decomposition proposal { subtasks: [...] } in the decomposer\'s schema.'),
  answeredBy: z.string().min(1).optional().describe('Who answers (recorded with the answer). Default "mcp".'),
};

/**
 * Registers `escalations` and `answer_escalation` on `server`; `requireModel` makes `answer_escalation` answer
 * `model_required` on a server without a model (the answered build resumes, and resuming samples).
 */
export function registerEscalationTools(server: McpServer, service: RunService, requireModel: ModelGate = () => undefined): void {
  server.registerTool('escalations', {
    title: 'List escalations',
    description:
      'Escalations are tasks no consensus could settle: each names its run, task, kind (code or decomposition), why it was escalated, the question, and context such as the spec and the best partial code. Answer one with answer_escalation.',
    inputSchema: escalationsInputShape,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, guarded(async (args) => {
    const escalations = await service.listEscalations({
      ...(args.runId === undefined ? {} : { runId: args.runId }),
      ...(args.status === undefined ? {} : { status: args.status }),
    });
    const lines = escalations.map((escalation) => `${escalation.runId} ${escalation.escalationId} (${escalation.kind}, ${escalation.status}) ${escalation.taskId}: ${escalation.question}`);
    return toolResult({ escalations }, lines.length === 0 ? 'no escalations' : lines.join('\n'));
  }));

  server.registerTool('answer_escalation', {
    title: 'Answer an escalation',
    description:
      'Answer an open escalation with code (kind "code") or a decomposition proposal (kind "decomposition"). The build verifies the answer like any sample: a wrong answer is rejected and the task escalated again. A build paused on escalations resumes.',
    inputSchema: answerEscalationInputShape,
    annotations: { readOnlyHint: false, openWorldHint: false },
  }, guarded(async (args) => {
    requireModel('answer_escalation');
    if ((args.code === undefined) === (args.proposal === undefined)) {
      const both = args.code !== undefined;
      throw new InvalidArgumentError({ parameter: both ? 'proposal' : 'code', value: both ? args.proposal : undefined, expected: 'exactly one of code and proposal' });
    }
    const answer = args.code === undefined ? { proposal: args.proposal } : { code: args.code };
    const answered: EscalationRecord = await service.answerEscalation(args.runId, args.escalationId, { answer, answeredBy: args.answeredBy ?? 'mcp' });
    return toolResult({ runId: args.runId, escalation: answered },
      `answered ${answered.escalationId} of run ${args.runId} (${answered.taskId}); poll run_status { runId: "${args.runId}" } to follow the build`);
  }));
}
