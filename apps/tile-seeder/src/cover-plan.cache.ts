import { Injectable } from '@nestjs/common';
import { CoverPlan, planCover } from '@map-offline/geo';
import { CacheRegionEntity } from '@map-offline/entities';

/** Plans kept per process; each holds a small row index per zoom (tens of KB for a country at z14). */
const MAX_PLANS = 64;

/**
 * Batches of one region share its cover plan, so seeking to a batch's offset costs one row sweep per
 * zoom per process instead of one per batch.
 */
@Injectable()
export class CoverPlanCache {
  private readonly plans = new Map<string, CoverPlan>();

  planFor(region: CacheRegionEntity): CoverPlan {
    const key = `${region.id}:${region.minZoom}-${region.maxZoom}`;
    let plan = this.plans.get(key);
    if (plan) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.plans.delete(key);
    } else {
      plan = planCover(region.area, { minZoom: region.minZoom, maxZoom: region.maxZoom });
    }
    this.plans.set(key, plan);
    if (this.plans.size > MAX_PLANS) this.plans.delete(this.plans.keys().next().value as string);
    return plan;
  }
}
