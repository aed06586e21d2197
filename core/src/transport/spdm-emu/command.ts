/**
 * The socket protocol of DMTF spdm-emu's responder and requester emulators
 * (spdm_emu/spdm_emu_common/command.h): names and values as spdm-emu spells them.
 */

/** The emulator's default platform port. */
export const DEFAULT_SPDM_EMU_PORT = 2323;

/** What a frame asks for (requests) or says (replies). */
export const SpdmEmuCommand = {
  NORMAL: 0x0001,
  /** Payload is a raw TDISP request; the reply is NORMAL with the raw TDISP response. */
  DECAP_TDISP: 0x0002,
  OOB_ENCAP_KEY_UPDATE: 0x8001,
  OOB_ENCAP_ENDPOINT_INFO: 0x8002,
  CONTINUE: 0xfffd,
  SHUTDOWN: 0xfffe,
  /** spdm-emu spells it SOCKET_SPDM_COMMAND_UNKOWN. */
  UNKNOWN: 0xffff,
  TEST: 0xdead,
} as const;
export type SpdmEmuCommandName = keyof typeof SpdmEmuCommand;

/** The transport the emulator was started with (`--trans`); both ends must agree. */
export const SpdmEmuTransportType = {
  NONE: 0x00,
  MCTP: 0x01,
  PCI_DOE: 0x02,
  TCP: 0x03,
} as const;

const COMMAND_NAMES = new Map<number, string>(Object.entries(SpdmEmuCommand).map(([name, code]) => [code, name]));

/** `NAME (0x…)` for a known command, the hex alone otherwise: for error messages and logs. */
export function describeCommand(code: number): string {
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  const name = COMMAND_NAMES.get(code);
  return name === undefined ? hex : `${name} (${hex})`;
}
