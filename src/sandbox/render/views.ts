import type { SandboxView } from '../../db/sandbox/views.ts';
import { renderBlocks, type BlockContext } from './blocks.ts';
import { html, type Html } from './html.ts';
import { plainText } from './mrkdwn.ts';

type Json = Record<string, any>;

function label(text: unknown, fallback: string): string {
  return typeof (text as Json | undefined)?.text === 'string' ? (text as Json).text : fallback;
}

/** The top modal of a member's stack, rendered from the view JSON the app sent. */
export function renderModal(view: SandboxView, ctx: BlockContext): Html {
  const v = view.view as Json;
  const blocks = (v.blocks ?? []) as Json[];
  const back = (view.depth ?? 1) > 1;
  const submit = v.submit ? html`<button type="button" class="bk-button bk-primary" data-modal="submit">${plainText(label(v.submit, 'Submit'))}</button>` : '';
  return html`<div class="modal" role="dialog" aria-modal="true" aria-label="${label(v.title, '')}" data-container="view" data-view-id="${view.id}" data-hash="${view.hash}">
  <header class="modal-header">${back ? html`<button type="button" class="modal-back" data-modal="close" aria-label="Back">←</button>` : ''}<h2>${plainText(label(v.title, ''))}</h2><button type="button" class="modal-x" data-modal="close" aria-label="Close">×</button></header>
  <div class="modal-body">${renderBlocks(blocks, ctx)}</div>
  <div class="modal-notice" role="alert" hidden></div>
  <footer class="modal-footer"><button type="button" class="bk-button" data-modal="close">${plainText(label(v.close, 'Cancel'))}</button>${submit}</footer>
</div>`;
}

/** The Home tab as the app last published it with views.publish. */
export function renderHome(view: SandboxView | null, ctx: BlockContext): Html {
  if (!view) return html`<p class="empty">Herald has not published a Home tab for you yet.</p>`;
  return html`<div class="home" data-container="view" data-view-id="${view.id}" data-hash="${view.hash}">${renderBlocks((view.view.blocks ?? []) as Json[], ctx)}</div>`;
}
