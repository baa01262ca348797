/** The release, as package.json states it (a test keeps them in step). */
export const VERSION = '0.1.0'
