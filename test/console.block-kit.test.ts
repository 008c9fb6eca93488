import { describe, expect, it } from 'vitest';
import { context, divider, header, plainMessage, section } from '../src/bot/render/block-kit.js';
import { actions, progressMessage } from '../src/bot/render/progress-message.js';
import { serviceDetail, servicesTable } from '../src/bot/render/services-message.js';
import {
  blockToHtml,
  escapeHtml,
  messageToHtml,
  mrkdwnToHtml,
  viewToHtml,
} from '../src/console/public/block-kit-html.js';

/** The block-level elements in order, by their bk-* class. */
function blockKinds(html: string): string[] {
  return [...html.matchAll(/class="bk-block (bk-[\w-]+)"/g)].map((m) => m[1]!);
}

describe('Block Kit → HTML: the blocks rollbot sends', () => {
  it('renders a header as plain text', () => {
    expect(blockToHtml(header('✅ Rollout of papi to rdebug'))).toBe('<div class="bk-block bk-header">✅ Rollout of papi to rdebug</div>');
  });

  it('renders a mrkdwn section', () => {
    const html = blockToHtml(section('✅ *Push* — main (attempt 1) _(40 ms)_'));
    expect(html).toBe(
      '<div class="bk-block bk-section"><div class="bk-section-body"><div class="bk-section-text">✅ <b>Push</b> — main (attempt 1) <i>(40 ms)</i></div></div></div>',
    );
  });

  it('renders a section with fields in a grid', () => {
    const message = serviceDetail('rdebug', 'papi', {
      description: 'Platform API',
      namespace: 'runwhen-local',
      fluxPath: 'clusters/rdebug/apps/papi/',
      helmRelease: 'papi',
      kustomization: 'apps-papi',
    });
    const html = messageToHtml(message);
    expect(blockKinds(html)).toEqual(['bk-header', 'bk-section', 'bk-section', 'bk-context']);
    const fields = [...html.matchAll(/<div class="bk-field">(.*?)<\/div>/g)].map((m) => m[1]);
    expect(fields).toEqual([
      '<b>Namespace</b><br><code class="bk-code">runwhen-local</code>',
      '<b>Flux path</b><br><code class="bk-code">clusters/rdebug/apps/papi/</code>',
      '<b>HelmRelease</b><br><code class="bk-code">papi</code>',
      '<b>Kustomization</b><br><code class="bk-code">apps-papi</code>',
    ]);
    expect(html).toContain('<div class="bk-fields">');
  });

  it('renders context elements with user mentions, using the names it is given', () => {
    const html = blockToHtml(context('Requested by <@U_ALICE> · done'), { userName: (id) => (id === 'U_ALICE' ? 'Alice' : undefined) });
    expect(html).toBe(
      '<div class="bk-block bk-context"><span class="bk-context-text">Requested by <span class="bk-mention" data-user-id="U_ALICE">@Alice</span> · done</span></div>',
    );
    // Without a directory the name comes from the id, as the emulator names people.
    expect(blockToHtml(context('<@U_BOB>'))).toContain('>@bob</span>');
    expect(blockToHtml(context('<@U_BOB>'), { currentUser: 'U_BOB' })).toContain('bk-mention bk-mention-self');
  });

  it('renders a divider', () => {
    expect(blockToHtml(divider)).toBe('<hr class="bk-block bk-divider">');
  });

  it('renders actions with primary, danger and default buttons carrying what a click sends', () => {
    const html = blockToHtml(
      actions(
        [
          { actionId: 'release_approve', text: 'Approve', value: '{"id":"r1"}', style: 'primary' },
          { actionId: 'release_reject', text: 'Reject', value: 'r1', style: 'danger' },
          { actionId: 'services_page', text: 'Next →', value: '2' },
        ],
        'release-r1',
      ),
    );
    expect(html).toContain('<div class="bk-block bk-actions" data-block-id="release-r1">');
    expect(html).toContain(
      '<button type="button" class="bk-button bk-button-primary" data-action-id="release_approve" data-block-id="release-r1" data-value="{&quot;id&quot;:&quot;r1&quot;}">Approve</button>',
    );
    expect(html).toContain('class="bk-button bk-button-danger" data-action-id="release_reject" data-block-id="release-r1" data-value="r1">Reject</button>');
    expect(html).toContain('class="bk-button" data-action-id="services_page" data-block-id="release-r1" data-value="2">Next →</button>');
  });

  it('renders a whole progress message in block order, with its result and button', () => {
    const snapshot = {
      title: 'Regenerate the services catalog of rdebug',
      steps: [
        { id: 'fetch', label: 'Fetch Flux repo', status: 'done' as const, detail: '4767d79', startedAt: 0, finishedAt: 265 },
        { id: 'scan', label: 'Scan', status: 'done' as const },
      ],
    };
    const message = progressMessage(snapshot, 'U_ALICE', { ok: true, text: '*Catalog of rdebug*: 6 services' }, [
      { actionId: 'catalog_save', text: 'Save catalog', value: '{"env":"rdebug","job":"catalog-1"}', style: 'primary' },
    ]);
    const html = messageToHtml(message);
    expect(blockKinds(html)).toEqual(['bk-header', 'bk-section', 'bk-context', 'bk-divider', 'bk-section', 'bk-actions']);
    expect(html).toContain('✅ <b>Fetch Flux repo</b> — 4767d79 <i>(265 ms)</i><br>✅ <b>Scan</b>');
    expect(html).toContain('<b>Catalog of rdebug</b>: 6 services');
    expect(html).toContain('>Save catalog</button>');
  });

  it('keeps the monospace table of /services as preformatted text', () => {
    const html = messageToHtml(
      servicesTable(
        'rdebug',
        {
          version: '1.0',
          generatedFrom: {},
          services: { papi: { description: '', namespace: 'runwhen-local', fluxPath: 'clusters/rdebug/apps/papi/' } },
        },
        1,
      ),
    );
    expect(html).toContain('<pre class="bk-pre">SERVICE  NAMESPACE      FLUX PATH\npapi     runwhen-local  clusters/rdebug/apps/papi/</pre>');
    // `<name>` in code is text, not a Slack control sequence.
    expect(html).toContain('<code class="bk-code">/services &lt;name&gt;</code>');
  });

  it('renders a message without blocks from its text', () => {
    expect(messageToHtml({ text: 'hello *there*' })).toBe('<div class="bk-block bk-text">hello <b>there</b></div>');
    expect(messageToHtml(plainMessage('`/rwenv-set` first'))).toContain('<code class="bk-code">/rwenv-set</code> first');
  });
});

describe('mrkdwn', () => {
  it('styles bold, italic, strike and code, and keeps newlines', () => {
    expect(mrkdwnToHtml('*bold* _italic_ ~gone~ `code`\nnext line')).toBe(
      '<b>bold</b> <i>italic</i> <s>gone</s> <code class="bk-code">code</code><br>next line',
    );
  });

  it('leaves word-internal markers alone', () => {
    expect(mrkdwnToHtml('snake_case_name and 2*3*4 and a~b~c')).toBe('snake_case_name and 2*3*4 and a~b~c');
  });

  it('does not style inside code', () => {
    expect(mrkdwnToHtml('`*not bold*`')).toBe('<code class="bk-code">*not bold*</code>');
  });

  it('renders ``` blocks as preformatted text, without their fence newlines', () => {
    expect(mrkdwnToHtml('Diff:\n```\n- a: 1\n+ a: *2*\n```\ndone')).toBe('Diff:<pre class="bk-pre">- a: 1\n+ a: *2*</pre>done');
  });

  it('renders links, user mentions, channels and broadcasts', () => {
    expect(mrkdwnToHtml('<https://github.com/acme/papi/pull/42|PR #42>')).toBe(
      '<a class="bk-link" href="https://github.com/acme/papi/pull/42" target="_blank" rel="noopener noreferrer">PR #42</a>',
    );
    expect(mrkdwnToHtml('<https://example.com/a?x=1&amp;y=2>')).toBe(
      '<a class="bk-link" href="https://example.com/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">https://example.com/a?x=1&amp;y=2</a>',
    );
    expect(mrkdwnToHtml('<@U_ALICE|alice> in <#C_DEPLOY|deploy-rdebug>, <!here>')).toBe(
      '<span class="bk-mention" data-user-id="U_ALICE">@alice</span> in <span class="bk-mention bk-channel">#deploy-rdebug</span>, <span class="bk-mention bk-broadcast">@here</span>',
    );
    expect(mrkdwnToHtml('<!subteam^S0DEPLOY|@deployers> approve')).toBe('<span class="bk-mention bk-usergroup">@deployers</span> approve');
  });

  it('links bare URLs but not their trailing punctuation', () => {
    expect(mrkdwnToHtml('see https://fluxcd.io/flux/.')).toBe(
      'see <a class="bk-link" href="https://fluxcd.io/flux/" target="_blank" rel="noopener noreferrer">https://fluxcd.io/flux/</a>.',
    );
  });

  it('shows block quotes', () => {
    expect(mrkdwnToHtml('&gt; quoted\nnot')).toBe('<blockquote class="bk-quote">quoted</blockquote>not');
  });
});

describe('escaping', () => {
  it('escapes a <script> in mrkdwn text instead of running it', () => {
    const html = blockToHtml(section('deploy <script>alert("x")</script> & go'));
    expect(html).not.toContain('<script');
    expect(html).toContain('deploy &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; go');
  });

  it('escapes HTML in every place text can come from', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const html = messageToHtml({
      text: 'fallback',
      blocks: [
        header(evil),
        { type: 'section', fields: [{ type: 'plain_text', text: evil }, { type: 'mrkdwn', text: evil }] },
        context(evil),
        { type: 'actions', block_id: '"><b>', elements: [{ type: 'button', action_id: evil, text: { type: 'plain_text', text: evil }, value: '"><script>' }] },
        { type: `x${evil}` },
      ],
    });
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('data-value="&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('data-block-id="&quot;&gt;&lt;b&gt;"');
  });

  it('shows Slack-escaped entities as the characters they stand for, still escaped for HTML', () => {
    expect(mrkdwnToHtml('a &lt;b&gt; &amp; c')).toBe('a &lt;b&gt; &amp; c');
    expect(mrkdwnToHtml('`&lt;tag&gt;`')).toBe('<code class="bk-code">&lt;tag&gt;</code>');
  });

  it('never links a javascript: URL', () => {
    const html = mrkdwnToHtml('<javascript:alert(1)|click me>');
    expect(html).not.toContain('href');
    expect(html).toBe('&lt;javascript:alert(1)|click me&gt;');
    const button = blockToHtml({ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Open' }, url: 'javascript:alert(1)' }] });
    expect(button).not.toContain('data-url');
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('modals', () => {
  it('renders a views.open definition as a form with its inputs', () => {
    const html = viewToHtml(
      {
        type: 'modal',
        callback_id: 'release_reject',
        title: { type: 'plain_text', text: 'Reject release' },
        submit: { type: 'plain_text', text: 'Reject' },
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Why reject *papi*?' } },
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Reason' },
            element: { type: 'plain_text_input', action_id: 'value', multiline: true, placeholder: { type: 'plain_text', text: 'Tell them' } },
          },
          { type: 'input', block_id: 'ticket', optional: true, label: { type: 'plain_text', text: 'Ticket' }, element: { type: 'plain_text_input', action_id: 'value', initial_value: 'OPS-1' } },
        ],
      },
      { viewId: 'V1' },
    );
    expect(html).toContain('<form class="bk-modal" data-view-id="V1" data-callback-id="release_reject">');
    expect(html).toContain('<header class="bk-modal-title">Reject release</header>');
    expect(html).toContain('Why reject <b>papi</b>?');
    expect(html).toContain('<textarea class="bk-text-input" data-action-id="value" data-block-id="reason" data-kind="plain_text_input" name="reason.value" placeholder="Tell them" rows="4"></textarea>');
    expect(html).toContain('value="OPS-1">');
    expect(html).toContain('<span class="bk-optional">(optional)</span>');
    expect(html).toContain('data-modal="submit">Reject</button>');
    expect(html).toContain('data-modal="close">Cancel</button>');
  });
});
