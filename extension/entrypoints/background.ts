import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../background/start-background.js';

export default defineBackground(startBackground);
