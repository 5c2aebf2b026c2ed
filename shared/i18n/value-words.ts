import type { MessageId } from './messages';

/**
 * Words the response views compute (the journey's events, the bounce class): per column, each
 * stored value (the database's own English word, which never changes) and the catalog key it is
 * shown as. The grid shows and filters by these words; an Excel export writes them.
 */
export const VALUE_TEXT: Readonly<Record<string, Readonly<Record<string, MessageId>>>> = {
  event: {
    sent: 'grid.event.sent',
    open: 'grid.event.open',
    click: 'grid.event.click',
    'hard bounce': 'grid.event.hardBounce',
    'soft bounce': 'grid.event.softBounce',
    response: 'grid.event.response',
    unsubscribe: 'grid.event.unsubscribe',
  },
  bounce_class: { hard: 'grid.bounceClass.hard', soft: 'grid.bounceClass.soft' },
};
