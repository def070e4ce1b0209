// Checks of the TextMate grammar (syntaxes/quadlet.tmLanguage.json) with the
// engine VS Code itself uses (vscode-textmate + oniguruma).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope !== 'source.quadlet') return null;
      const file = path.join(here, '..', 'syntaxes', 'quadlet.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  return registry.loadGrammar('source.quadlet');
}

/** [text, scopes] of every token of `lines`. */
function tokenize(grammar, lines) {
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push([line.slice(t.startIndex, t.endIndex), t.scopes]);
    state = r.ruleStack;
  }
  return out;
}

function scopeOf(tokens, text) {
  const hit = tokens.find(([t]) => t === text);
  if (!hit) throw new Error(`no token ${JSON.stringify(text)} in ${JSON.stringify(tokens.map(([t]) => t))}`);
  return hit[1].join(' ');
}

function expectScope(tokens, text, scope) {
  const s = scopeOf(tokens, text);
  if (!s.includes(scope)) throw new Error(`${JSON.stringify(text)} has scopes "${s}", wanted ${scope}`);
}

export async function grammarChecks(check) {
  let grammar;
  await check('grammar loads', async () => {
    grammar = await loadGrammar();
    if (!grammar) throw new Error('no grammar');
  });
  if (!grammar) return;
  await check('grammar: sections, keys, comments, specifiers, continuations', async () => {
    const tokens = tokenize(grammar, [
      '# a comment',
      '[Container]',
      'Image=docker.io/library/nginx:1.27',
      'Exec=/bin/sh -c "echo %n" \\',
      '  ; a comment inside the continuation',
      '  --flag ${HOME}',
      'ReadOnly=yes',
      'PublishPort=8080:80',
    ]);
    expectScope(tokens, ' a comment', 'comment.line');
    expectScope(tokens, 'Container', 'entity.name.section');
    expectScope(tokens, 'Image', 'support.type.property-name');
    expectScope(tokens, '=', 'punctuation.separator.key-value');
    expectScope(tokens, '%n', 'constant.other.placeholder.specifier');
    expectScope(tokens, '%n', 'string.quoted.double');
    expectScope(tokens, '\\', 'constant.character.escape.line-continuation');
    expectScope(tokens, '  ; a comment inside the continuation', 'comment.line');
    expectScope(tokens, '${HOME}', 'variable.other.environment');
    expectScope(tokens, '${HOME}', 'string.unquoted.value'); // still the Exec= value
    expectScope(tokens, 'yes', 'constant.language.boolean');
    // after the continuation ended, a new key is a key again
    expectScope(tokens, 'PublishPort', 'support.type.property-name');
    const port = tokens.find(([t]) => t.includes('8080'));
    if (port && port[1].join(' ').includes('constant.numeric')) {
      throw new Error('8080:80 should not be a number');
    }
  });
}
