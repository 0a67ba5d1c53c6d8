import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { Public } from '@map-offline/auth';
import { Readiness } from '@map-offline/observability';
import { PRODUCT_VERSION } from '@map-offline/runtime';
import { HealthStatus } from './health-status.model';
import { GATEWAY_READINESS } from './readiness.token';

@Resolver(() => HealthStatus)
export class HealthResolver {
  constructor(@Inject(GATEWAY_READINESS) private readonly readiness: Readiness) {}

  /** The one field open without a token: load balancers and people checking a deployment use it. */
  @Public()
  @Query(() => HealthStatus)
  async health(): Promise<HealthStatus> {
    const report = await this.readiness.report();
    return {
      status: report.ready ? 'ok' : 'degraded',
      version: PRODUCT_VERSION,
      dependencies: Object.entries(report.checks).map(([name, status]) => ({ name, status })),
    };
  }
}
