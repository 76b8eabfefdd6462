import { useTheme } from '@mui/material/styles';

/** Distinct series colours from the theme's palette, so charts follow the light and dark theme. */
export function useSeriesColors(): string[] {
  const { palette } = useTheme();
  return [
    palette.primary.main,
    palette.secondary.main,
    palette.success.main,
    palette.warning.main,
    palette.error.main,
    palette.info.main,
    palette.primary.dark,
    palette.secondary.dark,
    palette.success.dark,
    palette.warning.dark,
    palette.error.dark,
    palette.info.dark,
  ];
}
