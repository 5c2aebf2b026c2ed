import { describe, expect, it } from 'vitest';
import { rejectedFilePlace } from '../../../shared/contract/rejected-file-place';

const FILE = '/home/anna/.loopdesk/rejected/send-20261206-abcd1234-rejected.csv';
const A = { workstation: 'ws-a', name: "Anna's PC" };

describe('rejectedFilePlace: is the rejected-rows file a step points at on this workstation?', () => {
  it('outside team mode (no origin) the file is here, by its full path', () => {
    expect(rejectedFilePlace({ count: 1, kept: 2, file: FILE }, null)).toEqual({ here: true, path: FILE });
  });

  it('on the workstation that wrote the step (the send is its own), the file is here', () => {
    const values = { count: 1, kept: 1, file: FILE, fileName: 'send-20261206-abcd1234-rejected.csv', workstation: 'ws-a', workstationName: "Anna's PC" };
    expect(rejectedFilePlace(values, { ...A, mine: true })).toEqual({ here: true, path: FILE });
  });

  it('on another workstation, the file is named with the workstation that keeps it, never its path', () => {
    const values = { count: 1, kept: 1, file: FILE, fileName: 'send-20261206-abcd1234-rejected.csv', workstation: 'ws-a', workstationName: "Anna's PC" };
    expect(rejectedFilePlace(values, { ...A, mine: false })).toEqual({ here: false, fileName: 'send-20261206-abcd1234-rejected.csv', workstation: "Anna's PC" });
  });

  it('a step written before the workstation was recorded counts as the send origin’s (Windows path too)', () => {
    const windows = 'C:\\Users\\anna\\Loopdesk\\rejected\\send-1-rejected.csv';
    expect(rejectedFilePlace({ count: 1, kept: 1, file: windows }, { ...A, mine: false })).toEqual({ here: false, fileName: 'send-1-rejected.csv', workstation: "Anna's PC" });
    expect(rejectedFilePlace({ count: 1, kept: 1, file: windows }, { ...A, mine: true })).toEqual({ here: true, path: windows });
  });

  it('a step another workstation wrote on one of this workstation’s sends points elsewhere', () => {
    const values = { count: 1, kept: 1, file: FILE, workstation: 'ws-b', workstationName: 'Bernd' };
    expect(rejectedFilePlace(values, { ...A, mine: true })).toEqual({ here: false, fileName: 'send-20261206-abcd1234-rejected.csv', workstation: 'Bernd' });
  });

  it('a step without a file is left as it is', () => {
    expect(rejectedFilePlace({ count: 1, kept: 1 }, null)).toBeNull();
  });
});
