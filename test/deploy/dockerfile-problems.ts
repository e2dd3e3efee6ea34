/**
 * @module test/deploy/dockerfile-problems
 * What the repository's Dockerfile must hold, read from its syntax tree (dockerfile-ast; there is no Docker daemon
 * to build it here): a build stage and a node:20-bookworm-slim runtime stage, the runtime stage installing the
 * sandbox's system packages, copying the build's output, and an exec-form ENTRYPOINT that starts bin/zerr.js.
 */
import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';

/** Debian packages the runtime stage must install: the sandbox (bubblewrap, seccomp filter, setpriv) and git. */
export const RUNTIME_PACKAGES = ['bubblewrap', 'python3', 'python3-seccomp', 'util-linux', 'git'] as const;

/** One instruction: keyword upper-cased, flags (`--from=build`) and the arguments after them. */
interface StageInstruction { readonly keyword: string; readonly flags: readonly string[]; readonly args: string }
interface Stage { readonly image: string; readonly name: string | null; readonly instructions: StageInstruction[] }

/** The stages of `text`, each with its FROM image, its name and its instructions. */
export function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const args = instruction.getArgumentsContent() ?? '';
    const flags = instruction instanceof ModifiableInstruction ? instruction.getFlags().map((flag) => flag.toString()) : [];
    if (keyword === 'FROM') {
      const words = args.trim().split(/\s+/);
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ image: words[0] ?? '', name: as >= 0 ? (words[as + 1] ?? null) : null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, flags, args });
    }
  }
  return stages;
}

/** What `text` lacks of the rules in the module comment; `[]` when it holds them all. */
export function dockerfileProblems(text: string): string[] {
  const stages = dockerfileStages(text);
  const problems: string[] = [];
  if (stages.length < 2) return [`a multi-stage build expected, found ${String(stages.length)} stage(s)`];
  const build = stages[0];
  const runtime = stages.at(-1);
  if (build === undefined || runtime === undefined) return problems;
  const buildRuns = build.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args).join('\n');
  if (!/\bnpm (ci|install)\b/.test(buildRuns)) problems.push('the build stage does not install the npm dependencies (npm ci)');
  if (!/^node:20-bookworm-slim(@sha256:[0-9a-f]+)?$/.test(runtime.image)) problems.push(`the runtime stage is ${runtime.image}, not node:20-bookworm-slim`);
  const runtimeRuns = runtime.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args).join('\n');
  const installs = [...runtimeRuns.matchAll(/apt-get install([^&;]*)/g)].flatMap((match) => (match[1] ?? '').split(/[\s\\]+/));
  for (const name of RUNTIME_PACKAGES) if (!installs.includes(name)) problems.push(`the runtime stage does not apt-get install ${name}`);
  const fromBuild = runtime.instructions.filter((instruction) => instruction.keyword === 'COPY' && instruction.flags.includes(`--from=${build.name ?? '0'}`));
  for (const path of ['dist', 'node_modules', 'bin']) {
    if (!fromBuild.some((instruction) => new RegExp(`/${path}\\s`).test(instruction.args))) problems.push(`the runtime stage does not copy ${path} from the build stage`);
  }
  const entrypoints = runtime.instructions.filter((instruction) => instruction.keyword === 'ENTRYPOINT');
  const entrypoint = entrypoints.at(-1)?.args.trim();
  let argv: unknown;
  try {
    argv = entrypoint === undefined ? undefined : JSON.parse(entrypoint);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv[0] !== 'node' || !/(^|\/)bin\/zerr\.js$/.test(String(argv[1]))) {
    problems.push(`the ENTRYPOINT is not the exec form ["node", ".../bin/zerr.js"]: ${entrypoint ?? 'none'}`);
  }
  return problems;
}
