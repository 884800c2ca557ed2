import { html, type Html } from './html.ts';
import { plainText, textObject, type Names } from './mrkdwn.ts';
import { renderElement, type Directory } from './elements.ts';

type Json = Record<string, any>;

export type BlockContext = { names: Names; directory: Directory };

function section(block: Json, ctx: BlockContext, blockId: string): Html {
  const fields = Array.isArray(block.fields) ? html`<div class="bk-fields">${(block.fields as Json[]).map((f) => html`<div>${textObject(f, ctx.names)}</div>`)}</div>` : '';
  const accessory = block.accessory ? html`<div class="bk-accessory">${renderElement(block.accessory, { ...ctx, blockId, dispatch: true })}</div>` : '';
  return html`<div class="bk-section-body"><div class="bk-text-area">${textObject(block.text, ctx.names)}${fields}</div>${accessory}</div>`;
}

function context(block: Json, ctx: BlockContext): Html {
  const items = ((block.elements ?? []) as Json[]).map((e) =>
    e.type === 'image' ? html`<img src="${String(e.image_url ?? '')}" alt="${String(e.alt_text ?? '')}">` : html`<span>${textObject(e, ctx.names)}</span>`,
  );
  return html`${items}`;
}

function actions(block: Json, ctx: BlockContext, blockId: string): Html {
  return html`${((block.elements ?? []) as Json[]).map((e) => renderElement(e, { ...ctx, blockId, dispatch: true }))}`;
}

function input(block: Json, ctx: BlockContext, blockId: string): Html {
  const optional = block.optional ? html` <span class="bk-optional">(optional)</span>` : '';
  const element = renderElement(block.element ?? {}, { ...ctx, blockId, dispatch: block.dispatch_action === true });
  const hint = block.hint ? html`<div class="bk-hint">${textObject(block.hint, ctx.names)}</div>` : '';
  return html`<label class="bk-label">${plainText(String(block.label?.text ?? ''))}${optional}</label>${element}${hint}<div class="bk-error" role="alert" data-error-for="${blockId}" hidden></div>`;
}

function image(block: Json): Html {
  const title = block.title ? html`<div class="bk-image-title">${plainText(String(block.title.text ?? ''))}</div>` : '';
  return html`${title}<img src="${String(block.image_url ?? '')}" alt="${String(block.alt_text ?? '')}">`;
}

/** rich_text blocks (people's own messages) shown as their plain text. */
function richText(block: Json): Html {
  const text = (node: Json): string =>
    typeof node.text === 'string' ? node.text : Array.isArray(node.elements) ? (node.elements as Json[]).map(text).join('') : '';
  return plainText(text(block));
}

function blockBody(block: Json, ctx: BlockContext, blockId: string): Html {
  switch (block.type) {
    case 'section':
      return section(block, ctx, blockId);
    case 'header':
      return plainText(String(block.text?.text ?? ''));
    case 'divider':
      return html`<hr>`;
    case 'context':
      return context(block, ctx);
    case 'actions':
      return actions(block, ctx, blockId);
    case 'input':
      return input(block, ctx, blockId);
    case 'image':
      return image(block);
    case 'rich_text':
      return richText(block);
    default:
      return html`<span class="bk-unsupported">[${String(block.type)} block is not shown in the sandbox]</span>`;
  }
}

/** A message's, modal's or Home tab's blocks as HTML (the subset documented in the README). */
export function renderBlocks(blocks: readonly Json[], ctx: BlockContext): Html {
  return html`${blocks.map((block) => {
    const blockId = String(block.block_id ?? '');
    return html`<div class="bk bk-${String(block.type)}" data-block-id="${blockId}">${blockBody(block, ctx, blockId)}</div>`;
  })}`;
}
