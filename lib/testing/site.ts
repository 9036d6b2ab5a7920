export { userSite } from '../util/site.js';
