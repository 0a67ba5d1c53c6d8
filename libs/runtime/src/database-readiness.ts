import { DataSource } from 'typeorm';
import { ReadinessCheck } from '@map-offline/observability';

export function databaseReadinessCheck(dataSource: DataSource): ReadinessCheck {
  return { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) };
}
