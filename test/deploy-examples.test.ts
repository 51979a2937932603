/**
 * The deployment examples in deploy/ stay true: every YAML file parses, every endpoint-watch
 * command line they contain (container args, the image's CMD, CI steps) names a real command
 * and real options of our CLI, the embedded config loads, the Dockerfile copies every source
 * folder the build compiles and starts the CLI it builds, and ports and probes agree with serve.
 * (No container is built here: there is no image registry on this machine.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { validate as validCron } from 'node-cron';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../cli/main.js';
import { StringSink } from '../cli/io.js';
import { parseConfig, resolveNotifiers } from '../config/load.js';
import { notifierModules } from '../notify/registry.js';
import { parsers } from '../parsers/registry.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const deploy = join(root, 'deploy');

type Json = Record<string, unknown>;

function yamlFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) out.push(path);
    }
  };
  walk(deploy);
  return out.sort();
}

function documents(path: string): Json[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!Array.isArray(docs)) assert.fail(`${path}: not YAML`);
  for (const doc of docs) assert.deepEqual(doc.errors, [], `${path}: ${doc.errors.join('; ')}`);
  return docs.map((doc) => doc.toJS() as Json).filter(Boolean);
}

/** Every container of a Kubernetes object (Deployment, CronJob, Job, Pod). */
function containers(object: Json): Json[] {
  const found: Json[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'containers' && Array.isArray(value)) found.push(...(value as Json[]));
        else visit(value);
      }
    }
  };
  visit(object);
  return found;
}

/** `node ../tool/dist/cli/bin.js run --config x` -> ['run', '--config', 'x']. */
function cliArgsOfShellLine(line: string): string[] | null {
  const words = line.trim().split(/\s+/);
  const at = words.findIndex((w) => w.endsWith('dist/cli/bin.js') || w === 'endpoint-watch');
  return at >= 0 ? words.slice(at + 1) : null;
}

/** Parses `args` with our real commander program; fails on an unknown command, option or choice. */
function assertRealCommandLine(args: string[], where: string): Command {
  const program = buildProgram({ stdout: new StringSink(), stderr: new StringSink(), env: {}, cwd: root }, () => {});
  const [name, ...rest] = args;
  const command = program.commands.find((c) => c.name() === name);
  assert.ok(command, `${where}: "${name}" is not an endpoint-watch command`);
  const parsed = command.parseOptions(rest);
  assert.deepEqual(parsed.unknown, [], `${where}: unknown options for ${name}: ${parsed.unknown.join(' ')}`);
  return command;
}

test('every YAML file in deploy/ parses', () => {
  const files = yamlFiles();
  assert.deepEqual(
    files.map((f) => f.slice(deploy.length + 1)),
    ['ci/github-actions.yml', 'k8s/configmap.yaml', 'k8s/cronjob.yaml', 'k8s/deployment.yaml'],
  );
  for (const file of files) assert.ok(documents(file).length > 0, file);
});

test('Kubernetes containers run real endpoint-watch commands with real options', () => {
  const seen: string[] = [];
  for (const file of yamlFiles().filter((f) => f.includes('/k8s/'))) {
    for (const object of documents(file)) {
      for (const container of containers(object)) {
        assert.equal(container.command, undefined, `${file}: the image's entrypoint is the CLI; give args only`);
        const args = container.args as string[];
        assert.ok(Array.isArray(args) && args.length > 0, `${file}: container without args`);
        const command = assertRealCommandLine(args, file);
        seen.push(`${object.kind}:${command.name()}`);
        const env = (container.env as Array<{ name: string }> | undefined) ?? [];
        assert.ok(
          env.some((e) => e.name === 'HTTPS_PROXY'),
          `${file}: shows where the proxy goes`,
        );
        if (command.name() === 'serve') {
          const port = (container.ports as Array<{ containerPort: number }>)[0]!.containerPort;
          assert.equal(args[args.indexOf('--port') + 1], String(port), `${file}: --port is the containerPort`);
          assert.equal(args[args.indexOf('--host') + 1], '0.0.0.0', `${file}: serve listens beyond the pod`);
          for (const probe of ['readinessProbe', 'livenessProbe']) {
            assert.equal((container[probe] as { httpGet: { path: string } }).httpGet.path, '/healthz', probe);
          }
        }
      }
      const schedule = (object.spec as { schedule?: string } | undefined)?.schedule;
      if (object.kind === 'CronJob') assert.ok(schedule && validCron(schedule), `${file}: cron "${schedule}"`);
    }
  }
  assert.deepEqual(seen.sort(), ['CronJob:run', 'Deployment:serve']);
});

test('the ConfigMap holds a config that loads, with secrets read from mounted files only when used', () => {
  const [configMap] = documents(join(deploy, 'k8s', 'configmap.yaml'));
  const text = (configMap!.data as Record<string, string>)['endpoint-watch.yaml']!;
  const notifierSchemas = new Map([...notifierModules].map(([type, module]) => [type, module.options]));
  const config = parseConfig(text, {
    file: 'configmap',
    baseDir: '/config',
    env: { EW_SNAPSHOT_DIR: '/data/history' },
    formats: [...parsers.keys()],
    notifierSchemas,
  });
  assert.equal(config.snapshotDir, '/data/history');
  assert.deepEqual(
    config.notifiers.map((n) => n.type),
    ['console', 'slack'],
  );
  // The Secret is not mounted here: building the notifiers names the missing file.
  assert.throws(
    () => resolveNotifiers(config),
    /notifiers\[1\]\.webhookUrlFile: cannot read \/run\/secrets\/endpoint-watch\/slack-webhook/,
  );
  assert.throws(
    () => config.serve.resolve(),
    /serve\.tokenFile: cannot read \/run\/secrets\/endpoint-watch\/trigger-token/,
  );
});

test('the CI workflow is scheduled and runs a real command; endpoint-watch pushes, not a step of its own', () => {
  const [workflow] = documents(join(deploy, 'ci', 'github-actions.yml'));
  const on = workflow!.on as { schedule: Array<{ cron: string }>; workflow_dispatch?: unknown };
  assert.ok(validCron(on.schedule[0]!.cron), on.schedule[0]!.cron);
  assert.ok('workflow_dispatch' in on, 'a manual run before a change window');
  const steps = (workflow!.jobs as Record<string, { steps: Array<{ run?: string }> }>).run!.steps;
  const lines = steps.flatMap((s) => (s.run ? s.run.split('\n') : []));
  const invocations = lines.map(cliArgsOfShellLine).filter((a): a is string[] => a !== null);
  assert.equal(invocations.length, 1);
  assert.equal(assertRealCommandLine(invocations[0]!, 'ci workflow').name(), 'run');
  // A push of its own would publish snapshots without their delivery state (the git: remote pushes both).
  assert.ok(!lines.some((l) => /^git push\b/.test(l.trim())), 'no git push step besides endpoint-watch');
  const checkout = (workflow!.jobs as Record<string, { steps: Array<{ with?: Record<string, unknown> }> }>).run!
    .steps[0];
  assert.equal(checkout?.with?.['fetch-depth'], 0, 'the history is checked out whole, so runs can fast-forward');
});

test('the Dockerfile builds every compiled folder, runs as non-root with git, and starts the CLI', () => {
  const dockerfile = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(froms, ['${NODE_IMAGE}', '${NODE_IMAGE}']);
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:20-slim$/m);

  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { include: string[] };
  const copied = new Set([...dockerfile.matchAll(/^COPY (\S+) \.\/\1$/gm)].map((m) => m[1]));
  for (const folder of tsconfig.include) {
    assert.ok(copied.has(folder), `the Dockerfile copies ${folder}/, which tsconfig.json compiles`);
    assert.ok(existsSync(join(root, folder)), folder);
  }
  assert.match(dockerfile, /apt-get install [^\n]*\bgit\b/);
  const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `non-root USER, got ${user}`);

  const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)![1]!) as string[];
  assert.equal(entrypoint.at(-1), '/app/dist/cli/bin.js');
  assert.ok(existsSync(join(root, 'cli', 'bin.ts')), 'dist/cli/bin.js is compiled from cli/bin.ts');
  const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
  assertRealCommandLine(cmd, 'Dockerfile CMD');
  assert.match(dockerfile, /^EXPOSE 8080$/m);

  // Files the image needs at run time must not be kept out of the build context.
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
  for (const needed of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'endpoint-watch.yaml',
    ...tsconfig.include,
  ])
    assert.ok(!ignored.includes(needed), `.dockerignore leaves ${needed} in`);
});
