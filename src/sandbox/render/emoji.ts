/** The emoji shortcodes Herald's messages use, and common ones people type. Unknown codes stay as text. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅', heavy_check_mark: '✔️', check: '✔️', x: '❌', warning: '⚠️', no_entry: '⛔', no_entry_sign: '🚫',
  email: '📧', envelope: '✉️', incoming_envelope: '📨', mailbox: '📫', mailbox_with_mail: '📬', outbox_tray: '📤', inbox_tray: '📥',
  chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', bar_chart: '📊', hourglass: '⌛', hourglass_flowing_sand: '⏳',
  rocket: '🚀', tada: '🎉', lock: '🔒', unlock: '🔓', key: '🔑', bust_in_silhouette: '👤', busts_in_silhouette: '👥',
  pencil: '📝', pencil2: '✏️', memo: '📝', calendar: '📅', date: '📅', clock1: '🕐', alarm_clock: '⏰', stopwatch: '⏱️',
  page_facing_up: '📄', clipboard: '📋', file_folder: '📁', paperclip: '📎', link: '🔗', mag: '🔍', bell: '🔔', no_bell: '🔕',
  eyes: '👀', point_right: '👉', thumbsup: '👍', '+1': '👍', thumbsdown: '👎', '-1': '👎', wave: '👋', raised_hands: '🙌',
  information_source: 'ℹ️', question: '❓', grey_question: '❔', exclamation: '❗', heavy_plus_sign: '➕', heavy_minus_sign: '➖',
  arrows_counterclockwise: '🔄', repeat: '🔁', pause_button: '⏸️', double_vertical_bar: '⏸️', arrow_forward: '▶️', stop_button: '⏹️',
  wastebasket: '🗑️', gear: '⚙️', hammer_and_wrench: '🛠️', sparkles: '✨', star: '⭐', fire: '🔥', boom: '💥', zap: '⚡',
  large_green_circle: '🟢', large_yellow_circle: '🟡', red_circle: '🔴', large_blue_circle: '🔵', white_circle: '⚪', black_circle: '⚫',
  mega: '📣', loudspeaker: '📢', speech_balloon: '💬', thought_balloon: '💭', dart: '🎯', trophy: '🏆', label: '🏷️', bookmark: '🔖',
  heavy_exclamation_mark: '❗', broken_heart: '💔', ghost: '👻', robot_face: '🤖', handshake: '🤝', shield: '🛡️', scroll: '📜',
  spiral_calendar_pad: '🗓️', spiral_note_pad: '🗒️', card_index: '📇', card_file_box: '🗃️', inbox: '📥', outbox: '📤',
  twisted_rightwards_arrows: '🔀', leftwards_arrow_with_hook: '↩️', arrow_right: '➡️', arrow_left: '⬅️', back: '🔙', new: '🆕',
  up: '🆙', ok: '🆗', sos: '🆘', hourglass_done: '⌛', crossed_fingers: '🤞', see_no_evil: '🙈', mailbox_closed: '📪',
  ballot_box_with_check: '☑️', octagonal_sign: '🛑', raising_hand: '🙋', rotating_light: '🚨', test_tube: '🧪',
};

function emojiFor(code: string): string | undefined {
  return Object.hasOwn(EMOJI, code) ? EMOJI[code] : undefined;
}

/** Replaces :shortcodes: in (already escaped) text. */
export function replaceEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, code: string) => emojiFor(code) ?? whole);
}
