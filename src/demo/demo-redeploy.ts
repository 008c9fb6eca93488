/**
 * The demo's redeploy: seed 004's phases with harmless local stand-ins for its scripts, so the whole
 * pipeline (sync, env check, worktree, pins, deploy, health and version checks, notify) runs for real.
 */
export const DEMO_PIPELINE_YAML = `# Demo redeploy pipeline (seed 004's phases; commands are small local node scripts in tools/)
pipelines:
  rdebug:
    description: Demo runtime redeploy
    lockTtlSeconds: 60
    phases:
      - name: SYNC
        type: git-sync
        repos: [runtime-infra]
      - name: ENV_CHECK
        type: env-check
        require: [DEMO_DB_PASSWORD]
        hint: Put DEMO_DB_PASSWORD in the demo's .env file.
      - name: WORKTREE
        type: worktree
        repo: runtime-infra
        path: "worktrees/{ticket}/runtime-infra"
        branch: "{ticket}"
      - name: PIN_UPDATE
        type: run
        skipFlags: [skip-dockerfile-update]
        command: node
        args: [tools/update-pins.mjs, --versions, "{versions}", --dockerfile, "{worktree}/Dockerfile.runtime"]
        parseJson: last-line
        resultAs: pins_applied
      - name: DEPLOY
        type: run
        command: node
        args: [tools/deploy.mjs, --dockerfile, "{worktree}/Dockerfile.runtime", --run, "{run_id}"]
        timeoutSeconds: 120
      - name: VERIFY
        type: sequence
        verify: true
        steps:
          - type: health
            endpoints: { demo-runtime: "{env:DEMO_HEALTH_URL}" }
            deadlineSeconds: 10
          - type: version-check
            command: node
            args: [tools/show-version.mjs, "{pkg}"]
            outputPattern: '^Version:\\s*(\\S+)'
      - name: NOTIFY
        type: notify
`;

export const DEMO_TOOLS: Record<string, string> = {
  'tools/update-pins.mjs': `// Stand-in for update-plugin-pins.py: rewrites pins in a Dockerfile, prints the JSON result last.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const file = arg('--dockerfile');
const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
const current = Object.fromEntries([...text.matchAll(/^RUN pip install (\\S+)==(\\S+)$/gm)].map((m) => [m[1], m[2]]));
const result = {};
for (const pair of arg('--versions').split(',')) {
  const [pkg, to] = pair.split('=');
  result[pkg] = { from: current[pkg] ?? null, to, matched: true };
  current[pkg] = to;
  console.error(\`  \${pkg}: \${result[pkg].from ?? '(new)'} -> \${to}\`);
}
writeFileSync(file, 'FROM python:3.12-slim\\n' + Object.entries(current).map(([p, v]) => \`RUN pip install \${p}==\${v}\`).join('\\n') + '\\n');
console.log(JSON.stringify(result));
`,
  'tools/deploy.mjs': `// Stand-in for deploy-runtime.sh: "builds" and "restarts" by recording the pinned versions.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const pins = Object.fromEntries([...readFileSync(arg('--dockerfile'), 'utf8').matchAll(/^RUN pip install (\\S+)==(\\S+)$/gm)].map((m) => [m[1], m[2]]));
console.log('[deploy-runtime] Building omninode-runtime ...');
await new Promise((r) => setTimeout(r, 800));
console.log('[deploy-runtime] docker compose build: SUCCESS');
console.log('[deploy-runtime] Stopping omninode-runtime ...');
console.log('[deploy-runtime] Starting omninode-runtime ...');
mkdirSync('state', { recursive: true });
writeFileSync('state/installed.json', JSON.stringify(pins, null, 2));
console.log('[deploy-runtime] DONE (' + arg('--run') + ')');
`,
  'tools/show-version.mjs': `// Stand-in for \`docker exec omninode-runtime uv pip show <pkg>\`.
import { existsSync, readFileSync } from 'node:fs';
const installed = existsSync('state/installed.json') ? JSON.parse(readFileSync('state/installed.json', 'utf8')) : {};
const pkg = process.argv[2];
if (!(pkg in installed)) { console.error('WARNING: Package(s) not found: ' + pkg); process.exit(1); }
console.log('Name: ' + pkg);
console.log('Version: ' + installed[pkg]);
`,
};
