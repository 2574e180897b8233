import { getValueSettings as contract } from '../../../shared/api/settings';
import { httpHandler } from '../../../shared/http/handler';
import { presentValueSettings } from '../../../shared/usecases/segmentation/settings';

export const handler = httpHandler(contract, async ({ deps }) => ({ body: await presentValueSettings(deps, await deps.definitions.valueConfig()) }));
