import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from '@cdktf/hcl2json';

const USAGE = `Usage: npm run check:terraform [-- --json]

Checks infra/terraform without a Terraform binary (none can be installed here): every .tf file
parses (HCL, through @cdktf/hcl2json); every var., local., data., module. and resource reference
resolves to a declaration; every variable without a default is set by the deploy workflow
(TF_VAR_*); the workload service accounts hold only the project roles the code needs at start;
and the BigQuery tables come from Terraform's DDL, with nothing creating a dataset at run time.`;

const ROOT = path.resolve(import.meta.dirname, '..');
const TF_DIR = path.join(ROOT, 'infra/terraform');
const DEPLOY = path.join(ROOT, '.github/workflows/deploy.yml');

/**
 * Project-level roles a workload may hold: BigQuery jobs (queries, exports) and the Cloud SQL client.
 * Data rights are granted on the dataset, the bucket and each secret, never on the project.
 */
const WORKLOAD_PROJECT_ROLES = new Set(['roles/bigquery.jobUser', 'roles/cloudsql.client']);

type Json = unknown;
type Blocks = Record<string, Record<string, Json[]>>;

interface Declarations {
  variables: Map<string, { hasDefault: boolean; file: string }>;
  locals: Set<string>;
  resources: Set<string>;
  data: Set<string>;
  modules: Set<string>;
}

/** Every string inside a parsed HCL document, with the file it came from. */
function* strings(value: Json): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* strings(v);
}

/** Names a `for` expression or a block binds locally: references through them are not declarations. */
const LOCAL_NAMES = new Set(['each', 'count', 'self', 'path', 'terraform']);

/** References in one HCL string: interpolations `${…}` hold the expressions. */
function references(text: string): string[] {
  const refs: string[] = [];
  for (const match of text.matchAll(/\$\{([\s\S]*?)\}(?![^{]*\})/g)) {
    const expr = match[1]!.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const m of expr.matchAll(/(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g))
      refs.push(m[0]);
  }
  return refs;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const problems: string[] = [];
  const files = readdirSync(TF_DIR).filter((f) => f.endsWith('.tf'));
  const docs: { file: string; doc: Blocks & { locals?: Record<string, Json>[] } }[] = [];
  for (const file of files) {
    try {
      docs.push({ file, doc: (await parse(file, readFileSync(path.join(TF_DIR, file), 'utf8'))) as never });
    } catch (err) {
      problems.push(`${file}: does not parse: ${String(err)}`);
    }
  }

  const decl: Declarations = {
    variables: new Map(),
    locals: new Set(),
    resources: new Set(),
    data: new Set(),
    modules: new Set(),
  };
  for (const { file, doc } of docs) {
    for (const [name, blocks] of Object.entries(doc.variable ?? {}))
      decl.variables.set(name, {
        hasDefault: (blocks as Record<string, Json>[]).some((b) => 'default' in b),
        file,
      });
    for (const block of doc.locals ?? []) for (const name of Object.keys(block)) decl.locals.add(name);
    for (const [type, byName] of Object.entries(doc.resource ?? {}))
      for (const name of Object.keys(byName)) decl.resources.add(`${type}.${name}`);
    for (const [type, byName] of Object.entries(doc.data ?? {}))
      for (const name of Object.keys(byName)) decl.data.add(`data.${type}.${name}`);
    for (const name of Object.keys(doc.module ?? {})) decl.modules.add(name);
  }

  let checked = 0;
  for (const { file, doc } of docs) {
    for (const text of strings(doc)) {
      for (const ref of references(text)) {
        const [head, second, third] = ref.split('.');
        checked++;
        if (head === 'var' && !decl.variables.has(second!))
          problems.push(`${file}: ${ref}: no such variable`);
        else if (head === 'local' && !decl.locals.has(second!))
          problems.push(`${file}: ${ref}: no such local`);
        else if (head === 'module' && !decl.modules.has(second!))
          problems.push(`${file}: ${ref}: no such module`);
        else if (head === 'data' && !decl.data.has(`data.${second}.${third}`))
          problems.push(`${file}: ${ref}: no such data source`);
        else if (/^(google|google-beta|random|null|time|tls)_/.test(head!) || head === 'terraform_data') {
          if (!decl.resources.has(`${head}.${second}`)) problems.push(`${file}: ${ref}: no such resource`);
        } else if (!['var', 'local', 'module', 'data'].includes(head!) && !LOCAL_NAMES.has(head!)) {
          checked--; // a for-expression variable or an attribute of one (`workload.role`)
        }
      }
    }
  }

  const deploy = readFileSync(DEPLOY, 'utf8');
  const setByDeploy = new Set([...deploy.matchAll(/TF_VAR_(\w+)\s*:/g)].map((m) => m[1]!));
  for (const [name, v] of decl.variables)
    if (!v.hasDefault && !setByDeploy.has(name))
      problems.push(
        `${v.file}: variable "${name}" has no default and the deploy workflow does not set TF_VAR_${name}`,
      );
  for (const name of setByDeploy)
    if (!decl.variables.has(name)) problems.push(`deploy.yml: TF_VAR_${name} names no variable`);

  // Least privilege: project roles of the workload accounts.
  const iam = docs.find((d) => d.file === 'iam.tf')?.doc;
  const projectRoles = (iam?.locals ?? []).flatMap((b) =>
    Object.values((b.project_roles ?? {}) as Record<string, { role: string; workload: string }>),
  );
  if (projectRoles.length === 0) problems.push('iam.tf: local.project_roles is missing');
  for (const r of projectRoles)
    if (!WORKLOAD_PROJECT_ROLES.has(r.role))
      problems.push(`iam.tf: ${r.workload} holds ${r.role} on the project; grant it on the resource instead`);
  for (const { file, doc } of docs)
    for (const [type, byName] of Object.entries(doc.resource ?? {}))
      if (type === 'google_project_iam_member' || type === 'google_project_iam_binding')
        for (const [name, blocks] of Object.entries(byName))
          for (const b of blocks as Record<string, Json>[])
            if (
              typeof b.role === 'string' &&
              /roles\/(owner|editor|bigquery\.admin|bigquery\.dataOwner)$/.test(b.role) &&
              name !== 'deployer'
            )
              problems.push(`${file}: ${type}.${name} grants ${b.role}`);

  // BigQuery: Terraform owns the dataset and runs the generated DDL; nothing creates a dataset at run time.
  const ddl = readFileSync(path.join(ROOT, 'infra/bigquery/tables.sql'), 'utf8');
  if (/CREATE\s+SCHEMA/i.test(ddl))
    problems.push('infra/bigquery/tables.sql creates a dataset: Terraform owns it');
  if (!/CREATE TABLE IF NOT EXISTS/.test(ddl)) problems.push('infra/bigquery/tables.sql creates no table');
  const analyticsSrc = path.join(ROOT, 'packages/analytics/src');
  for (const f of readdirSync(analyticsSrc))
    if (
      f.endsWith('.ts') &&
      !f.includes('.test.') &&
      /CREATE\s+SCHEMA/i.test(readFileSync(path.join(analyticsSrc, f), 'utf8'))
    )
      problems.push(`packages/analytics/src/${f} creates a dataset at run time`);
  if (!docs.some((d) => d.doc.resource?.google_bigquery_dataset))
    problems.push('no google_bigquery_dataset resource: the analytics dataset must come from Terraform');

  const report = {
    ok: problems.length === 0,
    files: files.length,
    variables: decl.variables.size,
    resources: decl.resources.size,
    referencesChecked: checked,
    problems,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    process.stdout.write(
      `${files.length} files, ${decl.resources.size} resources, ${decl.variables.size} variables, ${checked} references checked\n`,
    );
    for (const p of problems) process.stdout.write(`  ✗ ${p}\n`);
    process.stdout.write(problems.length ? `${problems.length} problems\n` : 'Terraform check passed\n');
  }
  return problems.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  },
);
