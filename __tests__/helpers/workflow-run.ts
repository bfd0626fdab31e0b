// Which jobs of a workflow run, given its inputs and the jobs that fail: the `if:` expressions the workflows use
// (&&, ||, !, ==, !=, parentheses, inputs.*, needs.<job>.result, always(), success(), failure(), cancelled()), read
// as GitHub does, an `if:` without a status function getting success() in front. Nothing is ever cancelled here.

export type JobResult = 'success' | 'failure' | 'skipped';
export interface SimJob {
  needs?: string | string[];
  if?: string;
}

type Value = string | boolean;

/** Evaluates one `if:` expression (with or without ${{ }}) against the inputs and the needs' results. */
export function evaluate(
  expression: string,
  inputs: Readonly<Record<string, string>>,
  needs: Readonly<Record<string, JobResult>>,
): boolean {
  const text = expression.replace(/^\$\{\{\s*/, '').replace(/\s*\}\}$/, '');
  const tokens = text.match(/'[^']*'|&&|\|\||==|!=|!|\(|\)|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++] ?? '';
  const allSucceeded = () => Object.values(needs).every((r) => r === 'success');
  const primary = (): Value => {
    const t = next();
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new Error(`Unbalanced parentheses in ${text}`);
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1);
    if (t === 'always()' || t === 'true') return true;
    if (t === 'cancelled()' || t === 'false') return false;
    if (t === 'success()') return allSucceeded();
    if (t === 'failure()') return Object.values(needs).some((r) => r === 'failure');
    const input = /^inputs\.([\w-]+)$/.exec(t);
    if (input) return inputs[input[1] ?? ''] ?? '';
    const need = /^needs\.([\w-]+)\.result$/.exec(t);
    if (need) {
      const result = needs[need[1] ?? ''];
      if (result === undefined) throw new Error(`${t} is not a need`);
      return result;
    }
    throw new Error(`Unknown token '${t}' in ${text}`);
  };
  const comparison = (): Value => {
    const left = primary();
    const op = peek();
    if (op !== '==' && op !== '!=') return left;
    next();
    const right = primary();
    return op === '==' ? left === right : left !== right;
  };
  const and = (): Value => {
    let v = comparison();
    while (peek() === '&&') {
      next();
      const r = comparison();
      v = truthy(v) && truthy(r);
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === '||') {
      next();
      const r = and();
      v = truthy(v) || truthy(r);
    }
    return v;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`Unparsed rest in ${text}: ${tokens.slice(i).join(' ')}`);
  const statusFunction = /\b(always|success|failure|cancelled)\(\)/.test(text);
  return statusFunction ? truthy(value) : allSucceeded() && truthy(value);
}

const truthy = (v: Value): boolean => (typeof v === 'boolean' ? v : v !== '');

/** The result of every job: run in the order of their needs; a job in `failing` fails when it runs. */
export function simulate(
  jobs: Readonly<Record<string, SimJob>>,
  inputs: Readonly<Record<string, string>>,
  failing: ReadonlySet<string> = new Set(),
): Record<string, JobResult> {
  const results: Record<string, JobResult> = {};
  const needsOf = (job: SimJob) => (job.needs === undefined ? [] : [job.needs].flat());
  const pending = new Set(Object.keys(jobs));
  while (pending.size > 0) {
    const ready = [...pending].find((id) => needsOf(jobs[id] ?? {}).every((n) => n in results));
    if (!ready) throw new Error(`The needs of ${[...pending].join(', ')} form a cycle.`);
    const job = jobs[ready] ?? {};
    const needs = Object.fromEntries(needsOf(job).map((n) => [n, results[n] as JobResult]));
    const runs = evaluate(job.if ?? 'success()', inputs, needs);
    results[ready] = !runs ? 'skipped' : failing.has(ready) ? 'failure' : 'success';
    pending.delete(ready);
  }
  return results;
}
