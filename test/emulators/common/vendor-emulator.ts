import {
  EmulatorRequest,
  EmulatorResponse,
  EmulatorServer,
  FaultSpec,
  RecordedRequest,
} from './emulator-server';

/**
 * What every vendor emulator shares: a loopback server that records requests and injects
 * faults. A vendor emulator only implements `handle` (the vendor's API) and, optionally,
 * `admin` (its own `/__emulator/*` seeding routes).
 */
export abstract class VendorEmulator {
  protected readonly server = new EmulatorServer(
    (request) => this.handle(request),
    (request) => this.admin(request),
  );

  protected abstract handle(request: EmulatorRequest): Promise<EmulatorResponse> | EmulatorResponse;

  protected admin(
    _request: EmulatorRequest,
  ): Promise<EmulatorResponse | undefined> | EmulatorResponse | undefined {
    return undefined;
  }

  start(): Promise<string> {
    return this.server.start();
  }
  stop(): Promise<void> {
    return this.server.stop();
  }
  /** Loopback origin, e.g. `http://127.0.0.1:1234`. */
  get baseUrl(): string {
    return this.server.baseUrl;
  }
  requests(filter?: { method?: string; pathPrefix?: string }): RecordedRequest[] {
    return this.server.requests(filter);
  }
  clearRequests(): void {
    this.server.clearRequests();
  }
  injectFault(fault: FaultSpec): void {
    this.server.injectFault(fault);
  }
  clearFaults(): void {
    this.server.clearFaults();
  }
}
