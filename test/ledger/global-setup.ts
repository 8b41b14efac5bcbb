import { noteRunningCluster } from './postgres-cluster';

export default noteRunningCluster;
