/** What subscribers of a job's progress receive; also what the job query returns. */
export interface JobProgressEvent {
  jobId: string;
  state: string;
  doneUnits: number;
  totalUnits: number;
  /** units done per zoom level, for tile jobs */
  doneByZoom: Record<string, number>;
  /** bytes fetched so far (logical, before de-duplication) */
  bytes: number;
  errors: number;
  /** seconds, from the rate so far; null until there is a rate */
  etaSeconds: number | null;
  at: string;
}
