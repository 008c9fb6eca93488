/** Button action ids shared by the bot (which receives the click) and the jobs that offer them. */
export const SAVE_CATALOG_ACTION = 'catalog_save';
