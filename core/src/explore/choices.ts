import type { ScenarioAction } from '../scenario/scenario.js';
import type { ExploreModel } from './model.js';

/** One action the search may fire: the model event (its bound) it draws on, and where it is written. */
export interface Choice {
  readonly action: ScenarioAction;
  /** Index of its entry in `events`: an event, or the group whose bound its actions share. */
  readonly event: number;
  /** JSON pointer to the action in the model file. */
  readonly pointer: string;
}

/** Every action of the model's events in file order, a group's in its order. */
export function choicesOf(m: ExploreModel): Choice[] {
  return m.events.flatMap((e, event) =>
    'oneOf' in e ? e.oneOf.map((action, j) => ({ action, event, pointer: `/events/${event}/oneOf/${j}` })) : [{ action: e.action, event, pointer: `/events/${event}/action` }],
  );
}
