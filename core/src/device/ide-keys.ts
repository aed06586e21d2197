import { IDE_DIRECTIONS, IDE_KEY_SETS, IDE_SUB_STREAMS, type IdeKeySet, type KeySubStream } from '../wire/index.js';
import type { IdeConfig } from './config.js';

/**
 * IDE key programming state of the DSM's streams. A stream has six sub-streams (RX/TX ×
 * PR/NPR/CPL); each holds which key sets KEY_PROG filled and which one K_SET_GO made active.
 */

/** The port whose streams carry the TDIs' traffic: port index 0 is the DSM's own port. */
export const TDI_IDE_PORT = 0;

export type IdeSubStreamSlot = `${(typeof IDE_DIRECTIONS)[number]}.${(typeof IDE_SUB_STREAMS)[number]}`;

export interface IdeSubStreamKeys {
  programmed: Record<IdeKeySet, boolean>;
  /** The key set K_SET_GO started, until K_SET_STOP stops it. */
  active: IdeKeySet | null;
}

export type IdeStreamKeys = Record<IdeSubStreamSlot, IdeSubStreamKeys>;

/** Every stream of every port, keyed by streamKey. */
export type IdeKeyState = Record<string, IdeStreamKeys>;

export const streamKey = (portIndex: number, streamId: number): string => `${portIndex}/${streamId}`;

const SLOTS: readonly IdeSubStreamSlot[] = IDE_DIRECTIONS.flatMap((d) => IDE_SUB_STREAMS.map((s) => `${d}.${s}` as const));

function emptyStream(): IdeStreamKeys {
  return Object.fromEntries(SLOTS.map((slot) => [slot, { programmed: { K0: false, K1: false }, active: null }])) as IdeStreamKeys;
}

/** Every sub-stream of `stream` runs key set K0. */
function secureWithK0(stream: IdeStreamKeys): void {
  for (const slot of SLOTS) stream[slot] = { programmed: { K0: true, K1: false }, active: 'K0' };
}

export function initialIdeState(ide: IdeConfig): IdeKeyState {
  const state: IdeKeyState = {};
  for (let port = 0; port <= ide.maxPortIndex; port++) for (const id of ide.streamIds) state[streamKey(port, id)] = emptyStream();
  for (const id of ide.secureAtReset ?? []) secureWithK0(state[streamKey(TDI_IDE_PORT, id)] as IdeStreamKeys);
  return state;
}

/** The sub-stream a key_sub_stream byte addresses, or undefined for a sub-stream other than PR/NPR/CPL. */
export function subStreamKeys(stream: IdeStreamKeys, k: KeySubStream): IdeSubStreamKeys | undefined {
  const name = IDE_SUB_STREAMS[k.subStream];
  return name === undefined ? undefined : stream[`${k.direction}.${name}`];
}

export function programKey(slot: IdeSubStreamKeys, keySet: IdeKeySet): void {
  slot.programmed[keySet] = true;
}

/** [E] accepts K_SET_GO before KEY_PROG; the sub-stream is secure once both happened. */
export function keySetGo(slot: IdeSubStreamKeys, keySet: IdeKeySet): void {
  slot.active = keySet;
}

/** K_SET_STOP ends the key set: it no longer protects traffic and must be programmed again. */
export function keySetStop(slot: IdeSubStreamKeys, keySet: IdeKeySet): void {
  slot.programmed[keySet] = false;
  if (slot.active === keySet) slot.active = null;
}

/** A stream that went Insecure (integrity failure, link down) has no usable keys left. */
export function makeInsecure(stream: IdeStreamKeys): void {
  for (const slot of SLOTS) for (const ks of IDE_KEY_SETS) keySetStop(stream[slot], ks);
}

/** Secure: all six sub-streams run an active key set that was programmed. */
export function isSecure(stream: IdeStreamKeys | undefined): boolean {
  return stream !== undefined && SLOTS.every((slot) => {
    const { active, programmed } = stream[slot];
    return active !== null && programmed[active];
  });
}
