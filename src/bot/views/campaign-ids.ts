/** Callback and action ids of the campaign views (listed in manifest.yml where Slack needs them). */

export const CAMPAIGN_FORM_VIEW = 'campaign_save';
export const CAMPAIGN_APPROVAL_VIEW = 'campaign_approval';
/** the modal shown while a review is prepared (no submit, nothing to handle) */
export const CAMPAIGN_APPROVAL_PENDING_VIEW = 'campaign_approval_pending';
export const CAMPAIGN_SEND_TEST_VIEW = 'campaign_send_test';
export const CAMPAIGN_RESCHEDULE_VIEW = 'campaign_reschedule';
export const CAMPAIGN_FROM_MESSAGE_SHORTCUT = 'campaign_from_message';
/** Picking a template in the campaign form fills in its subject. */
export const CAMPAIGN_TEMPLATE_PICK_ACTION = 'campaign_template_pick';

/** Buttons on the campaign card, the pre-flight card, the approval card and the overdue prompt. */
export const CAMPAIGN_ACTIONS = {
  edit: 'campaign_edit',
  check: 'campaign_check',
  sendTest: 'campaign_send_test_open',
  requestApproval: 'campaign_request_approval',
  approve: 'campaign_approve',
  reject: 'campaign_reject',
  schedule: 'campaign_schedule',
  sendNow: 'campaign_send_now',
  pause: 'campaign_pause',
  resume: 'campaign_resume',
  cancel: 'campaign_cancel',
  reschedule: 'campaign_reschedule_open',
  /** on the dispatcher's finished report when some outcomes are unknown */
  retryUnknown: 'campaign_retry_unknown',
  /** handled by the reports code (src/bot/listeners/actions/campaign-stats.ts) */
  stats: 'campaign_stats',
} as const;
export type CampaignAction = keyof typeof CAMPAIGN_ACTIONS;
