import 'reflect-metadata';
import { runProcess } from '@map-offline/runtime';
import { startGateway } from './start-gateway';

runProcess('gateway', startGateway);
