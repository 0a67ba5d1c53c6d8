import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Registry } from 'prom-client';
import { Public } from '@map-offline/auth';
import { handleHealthRequest, Readiness } from '@map-offline/observability';
import { METRICS_REGISTRY } from '@map-offline/runtime';
import { GATEWAY_READINESS } from './readiness.token';

/**
 * /healthz and /readyz on the gateway's public port (the Kubernetes probes and load balancers ask here), answered
 * by the same code as the workers'. /metrics is not here: it is served on the internal health port only
 * (start-gateway.ts), so queue depths and process figures never reach the public listener.
 */
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(GATEWAY_READINESS) private readonly readiness: Readiness,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get(['healthz', 'readyz'])
  async probe(@Req() request: Request, @Res() response: Response): Promise<void> {
    await handleHealthRequest(request, response, { readiness: this.readiness, registry: this.registry });
  }
}
