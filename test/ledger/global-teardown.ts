import { stopClusterStartedByRun } from './postgres-cluster';

export default stopClusterStartedByRun;
