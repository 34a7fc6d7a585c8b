// The few Node APIs the package's Node entry uses, declared here so that
// the type check needs no @types/node (web/'s npm ci installs none).
declare module 'node:fs' {
  export function fstatSync(fd: number): { size: number };
  export function readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  export const promises: { readFile(path: URL | string): Promise<Uint8Array<ArrayBuffer>> };
}

declare module 'node:worker_threads' {
  interface Port {
    postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
    on(event: 'message', listener: (message: any) => void): this;
  }
  export class Worker implements Port {
    constructor(url: URL | string, options?: { execArgv?: string[] });
    postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
    on(event: 'message', listener: (message: any) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    removeAllListeners(event?: string): this;
    terminate(): Promise<number>;
  }
  export const parentPort: Port | null;
}
