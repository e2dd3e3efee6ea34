/**
 * @module telemetry/tracing
 * OpenTelemetry traces of runs, built from the engine's event stream ({@link EngineSpans}). No global provider is
 * ever registered: the caller's tracer is used, or a private `BasicTracerProvider` for the console and memory
 * exporters.
 */
import type { Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider, ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { parseOptions } from '../errors/parse-options.js';
import type { EngineEventListener } from '../orchestrate/engine-events.js';
import { EngineSpans } from './engine-spans.js';

/** Where spans go when no tracer is given: nowhere (`none`), stdout (`console`), or memory (`memory`, for tests). */
export type TraceExporterKind = 'none' | 'console' | 'memory';

/** Options of {@link createTracing}. */
export interface TracingOptions {
  /** A tracer of the caller's own provider (e.g. `trace.getTracer('zerr')` after an OTLP SDK set-up). */
  readonly tracer?: Tracer;
  /** Exporter of a private provider, when no tracer is given. Default `none`. */
  readonly exporter?: TraceExporterKind;
}

/** Tracing of the engine's runs. */
export interface EngineTracing {
  /** Builds spans from one engine event; pass it (unbound) to `engine.on`. Never throws. */
  readonly onEvent: EngineEventListener;
  /** The span store of the `memory` exporter (`getFinishedSpans()`); undefined otherwise. */
  readonly exporter: InMemorySpanExporter | undefined;
  /**
   * Ends the spans still open (marked `zerr.incomplete`) and shuts the private provider down, flushing it. The
   * `memory` exporter is emptied by its shutdown: read its spans first. A caller's tracer is left running.
   */
  shutdown(): Promise<void>;
}

const TracingOptionsSchema = z
  .object({
    tracer: z.custom<Tracer>((value) => typeof (value as { startSpan?: unknown } | null)?.startSpan === 'function', 'an OpenTelemetry Tracer').optional(),
    exporter: z.enum(['none', 'console', 'memory'], 'one of none, console, memory').default('none'),
  })
  .strict();

/**
 * Traces runs: a `zerr.run` span per run (run-start to run-end), a `zerr.task` child per task (task-start to
 * task-end; `zerr.outcome`, `zerr.samples`, `zerr.k`), a `zerr.sample` child per sample (`zerr.sample_index`,
 * `zerr.temperature`, `zerr.tokens.input`/`output`, `zerr.red_flag.rules`) and `zerr.verify.<layer>` children of
 * the sample per verification layer. With neither a tracer nor an exporter (the default) the listener does nothing
 * at all.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options, or a tracer together with an exporter other
 *   than `none` (`options.exporter`: the caller's provider owns the exporters then).
 */
export function createTracing(options: TracingOptions = {}): EngineTracing {
  const config = parseOptions(TracingOptionsSchema, options, 'options');
  if (config.tracer !== undefined && config.exporter !== 'none') {
    throw new InvalidArgumentError({ parameter: 'options.exporter', value: config.exporter, expected: "'none' (or no exporter) when a tracer is given: its provider owns the exporters" });
  }
  if (config.tracer === undefined && config.exporter === 'none') {
    return { onEvent: () => undefined, exporter: undefined, shutdown: async () => undefined };
  }
  let provider: BasicTracerProvider | undefined;
  let memory: InMemorySpanExporter | undefined;
  let tracer = config.tracer;
  if (tracer === undefined) {
    const exporter: SpanExporter = config.exporter === 'memory' ? (memory = new InMemorySpanExporter()) : new ConsoleSpanExporter();
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    tracer = provider.getTracer('zerr');
  }
  const spans = new EngineSpans(tracer);
  return {
    exporter: memory,
    onEvent: (event) => {
      try {
        spans.onEvent(event);
      } catch {
        // Tracing must never break the run.
      }
    },
    async shutdown() {
      spans.endAll(Date.now());
      await provider?.shutdown();
    },
  };
}
