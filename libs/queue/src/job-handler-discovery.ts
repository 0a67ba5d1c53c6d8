import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JobName, jobNamesOfQueue, QueueName } from '@map-offline/contracts';
import { JobContext } from './job-context';
import { JOB_HANDLER_METADATA } from './job-handler.decorator';

export type BoundJobHandler = (data: unknown, context: JobContext) => Promise<unknown>;

export class JobHandlerRegistrationError extends Error {
  constructor(problems: string[]) {
    super(`job handlers do not match the contracts:\n  ${problems.join('\n  ')}`);
    this.name = 'JobHandlerRegistrationError';
  }
}

/**
 * Finds every @JobHandler method and checks that each job of the queue has exactly one handler, so a
 * forgotten or doubled handler stops the boot instead of failing jobs at run time.
 */
@Injectable()
export class JobHandlerDiscovery {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  handlersFor(queue: QueueName): Map<JobName, BoundJobHandler> {
    const found = new Map<string, { handler: BoundJobHandler; owner: string }[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const jobName = this.reflector.get<string | undefined>(JOB_HANDLER_METADATA, method);
        if (!jobName) continue;
        const entries = found.get(jobName) ?? [];
        entries.push({
          handler: (method as BoundJobHandler).bind(instance),
          owner: `${instance.constructor.name}.${methodName}`,
        });
        found.set(jobName, entries);
      }
    }
    return this.checked(queue, found);
  }

  private checked(
    queue: QueueName,
    found: Map<string, { handler: BoundJobHandler; owner: string }[]>,
  ): Map<JobName, BoundJobHandler> {
    const expected = jobNamesOfQueue(queue);
    const problems: string[] = [];
    const handlers = new Map<JobName, BoundJobHandler>();
    // Handlers of other queues' jobs may live in a shared module; only this queue's set must be complete.
    for (const name of expected) {
      const entries = found.get(name) ?? [];
      if (entries.length === 0) {
        problems.push(
          `"${name}" has no handler: add @JobHandler('${name}') to a method of a provider in this app`,
        );
      } else if (entries.length > 1) {
        problems.push(
          `"${name}" has ${entries.length} handlers (${entries.map((entry) => entry.owner).join(', ')}): keep one`,
        );
      } else {
        handlers.set(name, entries[0].handler);
      }
    }
    if (problems.length > 0) throw new JobHandlerRegistrationError(problems);
    return handlers;
  }
}
