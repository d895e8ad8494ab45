import { error } from '@sveltejs/kit';
import { EXAMPLES, isExampleName } from '../registry';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	if (!isExampleName(params.name)) error(404, `No guide example named "${params.name}"`);
	return { name: params.name, info: EXAMPLES[params.name] };
};
