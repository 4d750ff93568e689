// Types of the journeys API as the editor uses them; only the router's type comes from the server.
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/api/router.ts';

type Outputs = inferRouterOutputs<AppRouter>['journeys'];

export type JourneyDetail = Outputs['get'];
export type JourneyVersion = Outputs['versions'][number];
export type JourneyReferences = Outputs['references'];
export type JourneyListItem = Outputs['list'][number];
