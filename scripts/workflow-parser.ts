// GitHub's own workflow parser (@actions/workflow-parser), as the Actions service reads a workflow: the schema, and
// for a call of a reusable workflow of this repository, its inputs and secrets (unknown ones, missing required ones).
import { readFileSync } from 'node:fs';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';

/** This repository as the example callers name it (owner/name in `uses:`): its workflows are read from this tree. */
const THIS_REPOSITORY = { owner: 'jams-upgrade', repository: 'jams-upgrade' };

/** Reads a called workflow: one of this repository's from its file here; any other is refused as unknown. */
async function getFileContent(ref: FileReference) {
  const local =
    !('repository' in ref) ||
    (ref.owner === THIS_REPOSITORY.owner && ref.repository === THIS_REPOSITORY.repository);
  if (!local) throw new Error(`${ref.owner}/${ref.repository}/${ref.path} is not in this repository`);
  return { name: ref.path, content: readFileSync(ref.path.replace(/^\.\//, ''), 'utf8') };
}

/** The parser's errors for one workflow, each as `file: message`. */
export async function workflowParserErrors(name: string, content: string): Promise<string[]> {
  const trace = new NoOperationTraceWriter();
  const parsed = parseWorkflow({ name, content }, trace);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0 && parsed.value) {
    await convertWorkflowTemplate(
      parsed.context,
      parsed.value,
      { getFileContent },
      { fetchReusableWorkflowDepth: 1 },
    );
    errors.push(...parsed.context.errors.getErrors().map((e) => e.message));
  }
  return [...new Set(errors)].map((m) => (m.startsWith(name) ? m : `${name}: ${m}`));
}
