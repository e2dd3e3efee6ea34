/**
 * @module decompose/archetypes/specialists
 * Specialist profiles as data: extra prompt guidance for one kind of work (backend, frontend, testing, devops,
 * documentation) layered on the coder or specifier archetype by {@link withSpecialist}. A specialist is a prompt
 * variation, not new code (seed guide §1.2: diversify by prompt).
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import type { Archetype, ArchetypeName } from './archetype.js';

/** One specialist profile. */
export interface SpecialistProfile {
  readonly name: string;
  readonly description: string;
  /** Lines appended to the archetype's system message, under "Specialist guidance". */
  readonly guidance: readonly string[];
  /** Archetypes the profile may be layered on. */
  readonly appliesTo: readonly ArchetypeName[];
  /** Model route to prefer for this kind of work; absent: keep the archetype's. */
  readonly modelRoute?: string;
}

const CODER_AND_SPECIFIER: readonly ArchetypeName[] = ['coder', 'specifier'];

/** The five specialist profiles. */
export const SPECIALISTS = {
  backend: {
    name: 'backend',
    description: 'Server-side logic: data validation, error handling, pure domain functions.',
    guidance: [
      'Validate inputs at the boundary and fail with a clear error instead of returning a wrong value.',
      'Keep domain logic pure: no I/O, no global state, no clock or randomness unless passed in.',
    ],
    appliesTo: CODER_AND_SPECIFIER,
  },
  frontend: {
    name: 'frontend',
    description: 'UI-facing logic: formatting, view models, state transitions.',
    guidance: [
      'Treat user-visible text precisely: whitespace, punctuation and casing are part of the contract.',
      'Model UI state transitions as pure functions from (state, event) to the next state.',
    ],
    appliesTo: CODER_AND_SPECIFIER,
  },
  testing: {
    name: 'testing',
    description: 'Test-oriented work: boundary cases and properties.',
    guidance: [
      'Think in boundary values first: empty, one element, maximum size, negative, zero, duplicates.',
      'State properties that hold for every input, not only examples.',
    ],
    appliesTo: CODER_AND_SPECIFIER,
  },
  devops: {
    name: 'devops',
    description: 'Configuration and tooling: parsing, validating and rendering config, paths and commands.',
    guidance: [
      'Be deterministic: stable ordering of keys and lines, no dependence on the environment unless passed in.',
      'Treat paths and shell arguments as data; never build a command line by string concatenation.',
    ],
    appliesTo: CODER_AND_SPECIFIER,
  },
  documentation: {
    name: 'documentation',
    description: 'Documentation-facing work: docstrings, examples, rendering of text.',
    guidance: [
      'Write a short docstring that states the contract: inputs, result, errors.',
      'Examples in docs must be exactly what the function returns.',
    ],
    appliesTo: CODER_AND_SPECIFIER,
  },
} as const satisfies Readonly<Record<string, SpecialistProfile>>;

/** Name of one of {@link SPECIALISTS}. */
export type SpecialistName = keyof typeof SPECIALISTS;

/**
 * A new archetype: `archetype` with `profile.guidance` appended to its prompt guidance, `profile.name` appended to
 * `specialists`, and `profile.modelRoute` (when set) as its model route. Everything else, `jsonSchema()` included,
 * is shared with `archetype`, which is left unchanged.
 * @throws InvalidArgumentError (`invalid_argument`): parameter `profile` when the profile does not apply to the
 *   archetype (see `appliesTo`) or is already layered on it.
 */
export function withSpecialist<A extends Archetype>(archetype: A, profile: SpecialistProfile): A {
  if (!profile.appliesTo.includes(archetype.name)) {
    throw new InvalidArgumentError({ parameter: 'profile', value: profile.name, expected: `a specialist profile that applies to the ${archetype.name} archetype (it applies to ${profile.appliesTo.join(', ')})` });
  }
  if (archetype.specialists.includes(profile.name)) {
    throw new InvalidArgumentError({ parameter: 'profile', value: profile.name, expected: `a specialist profile not already layered on this archetype (${archetype.specialists.join(', ')})` });
  }
  return {
    ...archetype,
    specialists: [...archetype.specialists, profile.name],
    promptTemplate: { ...archetype.promptTemplate, guidance: [...archetype.promptTemplate.guidance, ...profile.guidance] },
    diversityProfile: profile.modelRoute === undefined ? archetype.diversityProfile : { ...archetype.diversityProfile, modelRoute: profile.modelRoute },
  };
}

/** Words of a task that point to one kind of work (matched whole, case-insensitive, in its name and description). */
const KIND_WORDS: Readonly<Record<SpecialistName, readonly string[]>> = {
  backend: ['request', 'response', 'validate', 'validation', 'database', 'record', 'records', 'api', 'server', 'account', 'order', 'orders', 'invoice', 'payment', 'inventory', 'user', 'users'],
  frontend: ['html', 'css', 'ui', 'render', 'display', 'format', 'formatted', 'label', 'view', 'component', 'button', 'page', 'markup', 'color', 'colour', 'screen', 'widget'],
  testing: ['test', 'tests', 'assert', 'assertion', 'property', 'properties', 'fuzz', 'edge'],
  devops: ['config', 'configuration', 'path', 'paths', 'env', 'environment', 'command', 'shell', 'cli', 'deploy', 'docker', 'yaml', 'ini', 'log', 'logs', 'cron', 'port', 'url', 'semver', 'version'],
  documentation: ['doc', 'docs', 'docstring', 'markdown', 'readme', 'comment', 'comments', 'documentation', 'heading', 'headings'],
};

/**
 * The specialist profile for a task, chosen by its type: `test` tasks get `testing`, `documentation` tasks
 * `documentation`; otherwise the profile whose words occur most often in the task's name and description (at least one; ties in the order of
 * {@link SPECIALISTS}), or null for a task that names no kind of work (the plain coder).
 */
export function specialistFor(spec: Pick<TaskSpec, 'taskType' | 'name' | 'description'>): SpecialistName | null {
  if (spec.taskType === 'test') return 'testing';
  if (spec.taskType === 'documentation') return 'documentation';
  // `formatLabel` and `format_label` are the words format and label.
  const words = `${spec.name} ${spec.description}`.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/).filter((word) => word !== '');
  let best: SpecialistName | null = null;
  let bestCount = 0;
  for (const [name, kindWords] of Object.entries(KIND_WORDS) as [SpecialistName, readonly string[]][]) {
    const count = words.filter((word) => kindWords.includes(word)).length;
    if (count > bestCount) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}
