/** An EventBridge scheduled-rule event with this id: the id is the launch's idempotency key. */
export const scheduledEvent = (id: string) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-11-21T02:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {},
});
